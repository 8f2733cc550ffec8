package lab.gradient.runs;

/** No run or experiment has this id (or it was deleted): "run not found". */
public final class NotFound extends RuntimeException {
    public NotFound(String what) {
        super(what + " not found");
    }
}
