package lab.gradient.runs;

/** A submission past a queue limit: nothing was stored. */
public class SubmissionRefused extends RuntimeException {
    public SubmissionRefused(String message) {
        super(message);
    }
}
