package lab.gradient.runs;

/**
 * A caller may not do this to a run or an experiment. {@code anonymous}: the caller sent no identity at all (the API
 * answers 401), else it is someone else's (403). The words are the same from both front doors.
 */
public final class NotPermitted extends RuntimeException {
    public final boolean anonymous;

    NotPermitted(boolean anonymous, String message) {
        super(message);
        this.anonymous = anonymous;
    }
}
