package lab.gradient.cli;

import picocli.CommandLine.Option;

/** How a process trains, the same for the web server and a worker process (a picocli mixin of both). */
public final class TrainingOptions {
    @Option(names = "--workers", paramLabel = "N", defaultValue = "${env:GRADIENT_LAB_WORKERS}",
            description = "Runs trained at once (env GRADIENT_LAB_WORKERS, default the number of cores); a web server on a "
                    + "shared PostgreSQL may take 0 and only serve, with worker processes training.")
    Integer workers;

    @Option(names = "--run-budget", paramLabel = "SECONDS", defaultValue = "${env:GRADIENT_LAB_RUN_BUDGET:-600}",
            description = "Longest a run may train before it is stopped as completed (env GRADIENT_LAB_RUN_BUDGET, default 600).")
    int runBudgetSeconds;

    @Option(names = "--checkpoint-every", paramLabel = "SECONDS", defaultValue = "${env:GRADIENT_LAB_CHECKPOINT_SECONDS:-30}",
            description = "How often a training run saves where it stands, so a crash or restart resumes it (env "
                    + "GRADIENT_LAB_CHECKPOINT_SECONDS, default 30).")
    double checkpointSeconds;

    /** --workers, or this machine's cores. */
    public int workers() {
        return workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    }

    public int runBudgetSeconds() {
        return runBudgetSeconds;
    }

    public double checkpointSeconds() {
        return checkpointSeconds;
    }
}
