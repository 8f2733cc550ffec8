package lab.gradient.training;

/** A setting that cannot be used, with the field it names: both front doors show the message as it is. */
public class SettingsException extends IllegalArgumentException {
    private final String field;

    /** {@code field} may be null when the input as a whole is wrong (not JSON, not an object). */
    public SettingsException(String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The message without the field prefix. */
    public String reason() {
        return field == null ? getMessage() : getMessage().substring(field.length() + 2);
    }
}
