package lab.gradient.training;

/** A corpus over the size limit: the API answers 413 for it, the UI says so beside the text. */
public final class CorpusTooLarge extends SettingsException {
    public CorpusTooLarge(String field, String message) {
        super(field, message);
    }
}
