package lab.gradient.runs;

import java.util.List;
import lab.gradient.training.TrainingObserver;

/** What subscribers of a run hear while it trains. */
public sealed interface RunEvent {
    /** The run it is about; for a training's events, the training's id until it is delivered to a run's listener. */
    String runId();

    /** The same event as the run {@code runId} hears it. */
    RunEvent ofRun(String runId);

    record Progress(String runId, int iteration, int totalIterations, double seconds, double etaSeconds) implements RunEvent {
        public Progress ofRun(String run) {
            return new Progress(run, iteration, totalIterations, seconds, etaSeconds);
        }
    }

    /** The records of one flush: the same batch that was just written to the database. */
    record Metrics(String runId, List<TrainingObserver.IterationMetrics> iterations, List<TrainingObserver.Validation> validations,
            List<TrainingObserver.GradientFlow> flows, List<TrainingObserver.Spectrum> spectra) implements RunEvent {
        public Metrics ofRun(String run) {
            return new Metrics(run, iterations, validations, flows, spectra);
        }
    }

    /** The run's new status; {@code finished} is true for the last event a run sends. */
    record Status(String runId, RunStatus status, boolean finished) implements RunEvent {
        public Status ofRun(String run) {
            return new Status(run, status, finished);
        }
    }
}
