package lab.gradient.runs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.model.Flow;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Spectrum;
import lab.gradient.model.Validation;
import lab.gradient.training.TrainingObserver;

/**
 * Everything one run has recorded, typed: its per-iteration series, validations, gradient-flow probes and spectra.
 * A live page reads it once from the database and then {@link #append appends} the batches its events carry (the
 * same batches the recorder has just written), so following a run costs what is new, not what is old.
 * Not thread-safe: one page owns it and appends on its own thread.
 */
public final class RunRecords {
    private int size;
    private int[] iteration;
    private final Map<String, float[]> columns;
    private final List<Validation> validations;
    private final List<Flow> flows;
    private final List<Spectrum> spectra;
    /** {@link #metrics()} as last copied: a page reads it several times per redraw and it only changes on append. */
    private MetricSeries snapshot;

    RunRecords(MetricSeries metrics, List<Validation> validations, List<Flow> flows, List<Spectrum> spectra) {
        this.size = metrics.size();
        this.iteration = metrics.iteration();
        this.columns = new LinkedHashMap<>(metrics.columns());
        this.validations = new ArrayList<>(validations);
        this.flows = new ArrayList<>(flows);
        this.spectra = new ArrayList<>(spectra);
    }

    /**
     * Adds what a live batch brings that is not here yet (records are keyed by iteration, so a batch that was already
     * in the database when this was read adds nothing). True if anything was added.
     */
    public boolean append(RunEvent.Metrics batch) {
        int last = size == 0 ? Integer.MIN_VALUE : iteration[size - 1];
        boolean added = false;
        for (TrainingObserver.IterationMetrics m : batch.iterations()) {
            if (m.iteration() <= last) continue;
            if (size == 0 && columns.isEmpty()) RunRecorder.columnsOf(m).forEach(c -> columns.put(c, new float[0]));
            ensureCapacity(size + 1);
            iteration[size] = m.iteration();
            float[] row = RunRecorder.row(m);
            int c = 0;
            for (float[] column : columns.values()) column[size] = row[c++];
            size++;
            last = m.iteration();
            added = true;
            snapshot = null;
        }
        int lastValidation = validations.isEmpty() ? Integer.MIN_VALUE : validations.get(validations.size() - 1).iteration();
        for (TrainingObserver.Validation v : batch.validations()) {
            if (v.iteration() <= lastValidation) continue;
            validations.add(RunRecorder.validation(v));
            added = true;
        }
        int lastFlow = flows.isEmpty() ? Integer.MIN_VALUE : flows.get(flows.size() - 1).iteration();
        for (TrainingObserver.GradientFlow f : batch.flows()) {
            if (f.iteration() <= lastFlow) continue;
            flows.add(new Flow(f.iteration(), f.norm()));
            added = true;
        }
        int lastSpectrum = spectra.isEmpty() ? Integer.MIN_VALUE : spectra.get(spectra.size() - 1).iteration();
        for (TrainingObserver.Spectrum s : batch.spectra()) {
            if (s.iteration() <= lastSpectrum) continue;
            spectra.add(new Spectrum(s.iteration(), s.matrices()));
            added = true;
        }
        return added;
    }

    /** Grows the arrays by doubling, so appending n points costs O(n) in all. */
    private void ensureCapacity(int needed) {
        if (needed <= iteration.length) return;
        int capacity = Math.max(needed, Math.max(64, iteration.length * 2));
        iteration = Arrays.copyOf(iteration, capacity);
        columns.replaceAll((name, values) -> Arrays.copyOf(values, capacity));
    }

    /** The series as recorded so far (a copy trimmed to its points). */
    public MetricSeries metrics() {
        if (snapshot == null) {
            Map<String, float[]> trimmed = new LinkedHashMap<>();
            columns.forEach((name, values) -> trimmed.put(name, Arrays.copyOf(values, size)));
            snapshot = new MetricSeries(Arrays.copyOf(iteration, size), trimmed);
        }
        return snapshot;
    }

    public int points() {
        return size;
    }

    public List<Validation> validations() {
        return List.copyOf(validations);
    }

    public List<Flow> flows() {
        return List.copyOf(flows);
    }

    public List<Spectrum> spectra() {
        return List.copyOf(spectra);
    }
}
