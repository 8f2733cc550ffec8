package lab.gradient.runs;

/**
 * The server cannot take this piece of work now (its one sentence x-ray at a time is taken, or it ran short of memory):
 * nothing was changed, and the same request may succeed in {@code retryAfterSeconds}.
 */
public final class Busy extends RuntimeException {
    public final int retryAfterSeconds;

    public Busy(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }
}
