package lab.gradient.runs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import lab.gradient.model.Run;
import lab.gradient.store.QueueStore;
import lab.gradient.store.RunStore;
import lab.gradient.training.Checkpoint;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.TrainedModel;
import lab.gradient.training.Trainer;
import lab.gradient.training.TrainingResult;
import lab.gradient.training.TrainingSettings;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's training on a worker: what a worker does with the run it claimed, from the stored settings to the stored
 * result, with checkpoints to resume from and the end said to everyone following the training. The run service
 * decides what may be queued and by whom; this is only the execution.
 */
final class TrainingExecution {
    private static final Logger log = LoggerFactory.getLogger(TrainingExecution.class);

    private final RunStore store;
    private final RunEvents events;
    private final int runBudgetSeconds;
    /** The trained models the run service reads for predictions, by training: a finished training's model goes in. */
    private final Map<String, TrainedModel> models;
    private LocalWorkerPool queue;
    private volatile double checkpointSeconds = RunService.DEFAULT_CHECKPOINT_SECONDS;
    private volatile boolean closing;

    TrainingExecution(RunStore store, RunEvents events, int runBudgetSeconds, Map<String, TrainedModel> models) {
        this.store = store;
        this.events = events;
        this.runBudgetSeconds = runBudgetSeconds;
        this.models = models;
    }

    /** The worker pool whose leases and cancel flags the trainings use (it calls {@link #execute}). */
    void trainsOn(LocalWorkerPool queue) {
        this.queue = queue;
    }

    void checkpointEvery(double seconds) {
        this.checkpointSeconds = seconds;
    }

    /** The server is stopping: a training stopped now goes back to the queue if it has a checkpoint to resume from. */
    void closing() {
        this.closing = true;
    }

    /**
     * Trains the training of one claimed run on a worker thread, from the run's stored settings (every run sharing the
     * training has the same) to the stored result, which every run following it reads.
     */
    void execute(Run run) {
        QueueStore.Lease lease = queue.lease(run.trainingId());
        String training = lease.trainingId();
        RunRecorder recorder = new RunRecorder(lease, store, events, ServerPace.of(store).secondsPerIteration(run.model(), run.flopsPerIteration()));
        events.publishTraining(new RunEvent.Status(training, RunStatus.RUNNING, false));
        RunStatus status;
        String error = null;
        TrainingResult result = null;
        try {
            TrainingSettings settings = run.settings();
            CorpusSpec corpus = store.experiment(run.experimentId()).orElseThrow().corpus();
            Trainer trainer = new Trainer(corpus.load(settings.seed), ModelKind.of(run.model()), settings);
            var cancelled = queue.cancelFlag(training);
            result = trainer.train(recorder, cancelled::get, runBudgetSeconds, checkpoints(lease, recorder));
            recorder.flush();
            if (result.status() == TrainingResult.Status.CANCELLED && closing && store.records().checkpoint(training).isPresent()
                    && store.queue().requeue(lease)) {
                // stopped by a shutdown: it goes on from its checkpoint when a worker starts again
                events.publishTraining(new RunEvent.Status(training, RunStatus.QUEUED, false));
                return;
            }
            status = switch (result.status()) {
                case COMPLETED -> RunStatus.COMPLETED;
                case DIVERGED -> RunStatus.DIVERGED;
                // stopped by a shutdown without a checkpoint to resume from, or by the people who followed it
                case CANCELLED -> closing && !store.queue().stopRequested(training) ? RunStatus.INTERRUPTED : RunStatus.CANCELLED;
            };
            if (status != RunStatus.DIVERGED) saveModel(lease, result.model());
        } catch (QueueStore.LeaseLost e) {
            leaseLost(lease);
            return;
        } catch (RuntimeException | OutOfMemoryError e) {
            log.error("training {} (run {}) failed", training, run.id(), e);
            status = RunStatus.FAILED;
            // a refusal of the settings is said in its own words; anything else names its kind (the log has the rest)
            error = e instanceof lab.gradient.training.SettingsException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            try {
                recorder.flush();
            } catch (RuntimeException ignored) {
                // the failure may be the database itself; the status below is what matters
            }
        }
        try {
            store.queue().finish(lease, status.id(), result == null ? 0 : result.summary().iterations(),
                    result == null ? null : result.summary(), error);
        } catch (QueueStore.LeaseLost e) {
            leaseLost(lease);
            return;
        }
        events.publishTraining(new RunEvent.Status(training, status, true));
    }

    /**
     * The training is no longer this worker's to write: every run sharing it was deleted while it trained, or its
     * lease ran out (the worker stalled) and it went back to the queue, for this or another worker to resume.
     */
    private void leaseLost(QueueStore.Lease lease) {
        if (!store.queue().trainingExists(lease.trainingId())) {
            log.info("training {} was deleted while it trained", lease.trainingId());
            events.publishTraining(new RunEvent.Status(lease.trainingId(), RunStatus.CANCELLED, true));
        } else {
            log.warn("training {} stopped here: this worker's lease on it ran out, and it was given back to the queue", lease.trainingId());
        }
    }

    /**
     * The training's checkpoints in the database. A training resuming from one first forgets what it recorded after
     * it (the steps it takes again); each new checkpoint is saved after everything recorded up to it is written.
     */
    private Checkpoint.Store checkpoints(QueueStore.Lease lease, RunRecorder recorder) {
        String trainingId = lease.trainingId();
        Checkpoint resume = store.records().checkpoint(trainingId).orElse(null);
        if (resume != null) {
            store.records().truncateAfter(lease, resume.iteration());
            log.info("training {} resumes from its checkpoint at iteration {}", trainingId, resume.iteration());
        }
        return new Checkpoint.Store() {
            @Override
            public Checkpoint latest() {
                return resume;
            }

            @Override
            public void save(Checkpoint checkpoint) {
                recorder.flush();
                store.records().saveCheckpoint(lease, checkpoint);
            }

            @Override
            public double intervalSeconds() {
                return checkpointSeconds;
            }
        };
    }

    private void saveModel(QueueStore.Lease lease, TrainedModel model) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ModelSerializer.writeModel(model.network().model, bytes, false);
            store.records().saveModel(lease, model.vocabulary().words(), bytes.toByteArray());
            models.put(lease.trainingId(), model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
