package lab.gradient.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.gradient.store.QueueStore;
import lab.gradient.store.RecordStore;
import lab.gradient.store.RunStore;
import lab.gradient.training.TrainingObserver;

/**
 * Listens to a training run, keeps what it reports in memory and writes it to the database in one transaction
 * about once a second, then tells the run's subscribers. It flushes early when waiting for one more iteration
 * would keep records unwritten for longer than that, so a crash loses at most ~1–2 s of a run, even a slow one.
 */
final class RunRecorder implements TrainingObserver {
    static final long FLUSH_INTERVAL_NANOS = 1_000_000_000L;

    // the training's: its records are the training's, its events reach every run following it
    private final QueueStore.Lease lease;
    private final String runId;
    private final RunStore store;
    private final RunEvents events;
    private List<String> columns;
    private final List<IterationMetrics> iterations = new ArrayList<>();
    private final List<Validation> validations = new ArrayList<>();
    private final List<GradientFlow> flows = new ArrayList<>();
    private final List<Spectrum> spectra = new ArrayList<>();
    private long lastFlush = System.nanoTime();
    private long lastProgress = lastFlush;
    private int iteration;
    private int totalIterations;
    private final double estimatedSecondsPerIteration;

    /**
     * {@code estimatedSecondsPerIteration} ({@link ServerPace}; NaN if unknown) stands in for the time left until the
     * trainer has timed enough of the run's own steps to say it.
     */
    RunRecorder(QueueStore.Lease lease, RunStore store, RunEvents events, double estimatedSecondsPerIteration) {
        this.lease = lease;
        this.runId = lease.trainingId();
        this.store = store;
        this.events = events;
        this.estimatedSecondsPerIteration = estimatedSecondsPerIteration;
    }

    @Override
    public void onIteration(IterationMetrics metrics) {
        if (columns == null) columns = columnsOf(metrics);
        iterations.add(metrics);
    }

    @Override
    public void onGradientFlow(GradientFlow flow) {
        flows.add(flow);
    }

    @Override
    public void onSpectrum(Spectrum spectrum) {
        spectra.add(spectrum);
    }

    @Override
    public void onValidation(Validation validation) {
        validations.add(validation);
    }

    @Override
    public void onProgress(Progress progress) {
        iteration = progress.iteration();
        totalIterations = progress.totalIterations();
        double eta = Double.isNaN(progress.etaSeconds())
                ? estimatedSecondsPerIteration * (progress.totalIterations() - progress.iteration()) : progress.etaSeconds();
        events.publishTraining(new RunEvent.Progress(runId, progress.iteration(), progress.totalIterations(), progress.seconds(), eta));
        long now = System.nanoTime();
        long iterationTook = now - lastProgress;
        lastProgress = now;
        if (now - lastFlush + iterationTook >= FLUSH_INTERVAL_NANOS) flush();
    }

    /** Writes whatever is buffered; called at every interval and once more when the run ends. */
    void flush() {
        lastFlush = System.nanoTime();
        if (iterations.isEmpty() && validations.isEmpty() && flows.isEmpty() && spectra.isEmpty()) return;
        if (!iterations.isEmpty()) iteration = Math.max(iteration, iterations.get(iterations.size() - 1).iteration());
        List<float[]> rows = new ArrayList<>(iterations.size());
        for (IterationMetrics m : iterations) rows.add(row(m));
        RecordStore.Batch batch = new RecordStore.Batch(columns == null ? List.of() : columns,
                iterations.isEmpty() ? 0 : iterations.get(0).iteration(), rows,
                validations.stream().map(RunRecorder::validation).toList(),
                flows.stream().map(f -> new lab.gradient.model.Flow(f.iteration(), f.norm())).toList(),
                spectra.stream().map(s -> new lab.gradient.model.Spectrum(s.iteration(), s.matrices())).toList());
        store.records().append(lease, batch, iteration, totalIterations);
        events.publishTraining(new RunEvent.Metrics(runId, List.copyOf(iterations), List.copyOf(validations), List.copyOf(flows),
                List.copyOf(spectra)));
        iterations.clear();
        validations.clear();
        flows.clear();
        spectra.clear();
    }

    /** loss, seconds, then every gradient norm before and after clipping, then every layer's update ratio. */
    static List<String> columnsOf(IterationMetrics m) {
        List<String> names = new ArrayList<>(List.of("loss", "seconds"));
        m.gradNorm().keySet().forEach(k -> names.add("gradNorm." + k));
        m.gradNormClipped().keySet().forEach(k -> names.add("gradNormClipped." + k));
        m.updateRatio().keySet().forEach(k -> names.add("updateRatio." + k));
        return List.copyOf(names);
    }

    /** A trainer's evaluation as the domain model records it (this class's own Validation is the trainer's). */
    static lab.gradient.model.Validation validation(Validation v) {
        return new lab.gradient.model.Validation(v.iteration(), v.epoch(), v.result().loss(), v.result().perplexity(), v.result().top1(),
                v.result().top5(), v.result().longRangeAccuracy());
    }

    /** One iteration's values in the order of {@link #columnsOf}. */
    static float[] row(IterationMetrics m) {
        float[] row = new float[2 + m.gradNorm().size() + m.gradNormClipped().size() + m.updateRatio().size()];
        int i = 0;
        row[i++] = (float) m.loss();
        row[i++] = (float) m.seconds();
        for (Map<String, Double> series : List.of(m.gradNorm(), m.gradNormClipped(), m.updateRatio())) {
            for (double v : series.values()) row[i++] = (float) v;
        }
        return row;
    }
}
