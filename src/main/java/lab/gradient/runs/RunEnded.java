package lab.gradient.runs;

/** The run has already ended, so it cannot be cancelled. */
public final class RunEnded extends RuntimeException {
    RunEnded(String status) {
        super("the run has already ended (" + status + ")");
    }
}
