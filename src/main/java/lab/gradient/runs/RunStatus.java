package lab.gradient.runs;

import java.util.Locale;

/** queued → running → completed | failed | cancelled | diverged; interrupted when the process died mid-run. */
public enum RunStatus {
    QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED, DIVERGED, INTERRUPTED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }
}
