package lab.gradient.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import lab.gradient.model.MetricSeries;
import lab.gradient.store.QueueStore;
import lab.gradient.store.RecordStore;
import lab.gradient.store.RunStore;
import lab.gradient.training.Evaluator;
import lab.gradient.training.TrainingObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live events of trainings that run in another process (a worker on another machine, on the shared database): every
 * {@value #POLL_MILLIS} ms, for each training someone here listens to and no worker here trains, reads what its worker
 * wrote since the last look and publishes it as that worker's own recorder would have: progress, the new records as
 * one metrics batch, and a new status. The database is the only channel; a worker flushes about once a second
 * ({@link RunRecorder}), so a page here hears a remote training at most ~1.5 s after it happened.
 */
final class RemoteTrainingEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteTrainingEvents.class);
    static final long POLL_MILLIS = 500;

    private final RunStore store;
    private final RunEvents events;
    private final Predicate<String> trainsHere;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "remote-training-events");
        t.setDaemon(true);
        return t;
    });

    /** What was last told about one training: its status and the last iteration of its records. */
    private record Seen(String status, int iteration) {}

    RemoteTrainingEvents(RunStore store, RunEvents events, Predicate<String> trainsHere) {
        this.store = store;
        this.events = events;
        this.trainsHere = trainsHere;
    }

    void start() {
        // a listener hears what is new from the moment it subscribes: where the training stands then is the start
        events.onFirstListener(training -> {
            if (!trainsHere.test(training)) {
                store.queue().trainingState(training).ifPresent(s -> seen.putIfAbsent(training, new Seen(s.status(), s.iterations())));
            }
        });
        poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    void poll() {
        try {
            seen.keySet().removeIf(training -> !events.isHeard(training));
            for (String training : events.trainingsHeard()) {
                if (!trainsHere.test(training)) relay(training);
            }
        } catch (RuntimeException e) {
            log.warn("could not read remote trainings' progress: {}", e.toString());
        }
    }

    private void relay(String trainingId) {
        Optional<QueueStore.TrainingState> state = store.queue().trainingState(trainingId);
        if (state.isEmpty()) return;
        QueueStore.TrainingState now = state.get();
        Seen before = seen.get(trainingId);
        if (before == null) { // heard before this relay started
            seen.put(trainingId, new Seen(now.status(), now.iterations()));
            return;
        }
        int last = before.iteration();
        // resumed from its checkpoint (by another worker): the steps after it are taken, and recorded, again
        if (now.iterations() < last) last = Math.min(now.iterations(), store.records().checkpointIteration(trainingId).orElse(0));
        if (now.iterations() > last || !now.status().equals(before.status())) {
            RecordStore.Records records = store.records().recordsAfter(trainingId, last);
            RunEvent.Metrics batch = batch(trainingId, records, last);
            if (!batch.iterations().isEmpty()) last = batch.iterations().get(batch.iterations().size() - 1).iteration();
            last = Math.max(last, now.iterations());
            double eta = now.iterations() == 0 ? Double.NaN
                    : now.seconds() / now.iterations() * (now.totalIterations() - now.iterations());
            events.publishTraining(new RunEvent.Progress(trainingId, now.iterations(), now.totalIterations(), now.seconds(), eta));
            if (!batch.iterations().isEmpty() || !batch.validations().isEmpty() || !batch.flows().isEmpty() || !batch.spectra().isEmpty()) {
                events.publishTraining(batch);
            }
        }
        if (!now.status().equals(before.status())) {
            RunStatus status = RunStatus.of(now.status());
            events.publishTraining(new RunEvent.Status(trainingId, status, status.isFinal()));
        }
        seen.put(trainingId, new Seen(now.status(), last));
    }

    /** The stored records after {@code after}, as the worker's recorder published them. */
    static RunEvent.Metrics batch(String trainingId, RecordStore.Records records, int after) {
        MetricSeries m = records.metrics();
        List<TrainingObserver.IterationMetrics> iterations = new ArrayList<>();
        for (int row = 0; row < m.size(); row++) {
            if (m.iteration()[row] <= after) continue;
            Map<String, Double> gradNorm = new LinkedHashMap<>(), clipped = new LinkedHashMap<>(), ratio = new LinkedHashMap<>();
            for (var column : m.columns().entrySet()) {
                String name = column.getKey();
                double value = column.getValue()[row];
                if (name.startsWith("gradNorm.")) gradNorm.put(name.substring("gradNorm.".length()), value);
                else if (name.startsWith("gradNormClipped.")) clipped.put(name.substring("gradNormClipped.".length()), value);
                else if (name.startsWith("updateRatio.")) ratio.put(name.substring("updateRatio.".length()), value);
            }
            // the epoch is not stored per row; no listener reads it
            iterations.add(new TrainingObserver.IterationMetrics(m.iteration()[row], 0, m.columns().get("loss")[row],
                    gradNorm, clipped, ratio, m.columns().get("seconds")[row]));
        }
        List<TrainingObserver.Validation> validations = records.validations().stream()
                .map(v -> new TrainingObserver.Validation(v.iteration(), v.epoch(),
                        new Evaluator.Result(v.loss(), v.perplexity(), v.top1(), v.top5(), v.longRangeAccuracy(), 0)))
                .toList();
        List<TrainingObserver.GradientFlow> flows = records.flows().stream()
                .map(f -> new TrainingObserver.GradientFlow(f.iteration(), f.norms())).toList();
        List<TrainingObserver.Spectrum> spectra = records.spectra().stream()
                .map(s -> new TrainingObserver.Spectrum(s.iteration(), s.matrices())).toList();
        return new RunEvent.Metrics(trainingId, iterations, validations, flows, spectra);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
