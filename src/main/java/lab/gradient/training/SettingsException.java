package lab.gradient.training;

/** A setting that cannot be used, with the field it names: both front doors show the message as it is. */
public final class SettingsException extends IllegalArgumentException {
    private final String field;

    public SettingsException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The message without the field prefix. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
