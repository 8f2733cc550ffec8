package lab.gradient.labs;

/** A lab action that is not allowed for this caller, or for this lab in its present state. Nothing was stored. */
public final class LabException extends RuntimeException {
    public enum Reason {
        /** No lab with that id or join code. */
        NOT_FOUND,
        /** No token, or one that is not a member's: who is asking is unknown. */
        NOT_A_MEMBER,
        /** A member, but not allowed to do this (a student acting on another student's run, a closed lab). */
        FORBIDDEN,
        /** The display name is taken in this lab. */
        NAME_TAKEN
    }

    private final Reason reason;
    private final String field;

    public LabException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    public Reason reason() {
        return reason;
    }

    public String field() {
        return field;
    }
}
