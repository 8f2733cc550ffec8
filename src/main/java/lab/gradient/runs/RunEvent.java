package lab.gradient.runs;

import java.util.List;
import lab.gradient.training.TrainingObserver;

/** What subscribers of a run hear while it trains. */
public sealed interface RunEvent {
    String runId();

    record Progress(String runId, int iteration, int totalIterations, double seconds, double etaSeconds) implements RunEvent {}

    /** The records of one flush: the same batch that was just written to the database. */
    record Metrics(String runId, List<TrainingObserver.IterationMetrics> iterations, List<TrainingObserver.Validation> validations,
            List<TrainingObserver.GradientFlow> flows, List<TrainingObserver.Spectrum> spectra) implements RunEvent {}

    /** The run's new status; {@code finished} is true for the last event a run sends. */
    record Status(String runId, RunStatus status, boolean finished) implements RunEvent {}
}
