package lab.gradient.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import lab.gradient.model.Experiment;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Run;
import lab.gradient.runs.Downsampling;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not part of the default test run: how long Compare waits to load the full metrics of 10 runs ×
 * 10,000 iterations from an H2 file database. Run with
 * {@code mvn test -Dgroups=benchmark -Dexcluded.groups= -Dtest=MetricsLoadBenchmark}.
 */
@Tag("benchmark")
class MetricsLoadBenchmark {
    static final int RUNS = 10, ITERATIONS = 10_000, ROWS_PER_FLUSH = 25, REPETITIONS = 9;

    @Test
    void loadTenRunsOfTenThousandIterations() throws Exception {
        Path dir = Files.createTempDirectory("metrics-bench");
        try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("bench"))) {
            RunStore store = new RunStore(db);
            List<String> columns = new ArrayList<>(List.of("loss", "seconds"));
            for (String p : List.of("embed.W", "rnn1.W_in", "rnn1.W_h", "rnn1.b", "out.W_out", "out.b", "total")) {
                columns.add("gradNorm." + p);
                columns.add("gradNormClipped." + p);
            }
            columns.addAll(List.of("updateRatio.embed", "updateRatio.rnn1", "updateRatio.out"));
            Random random = new Random(1);
            List<String> ids = new ArrayList<>();
            for (int r = 0; r < RUNS; r++) {
                String experiment = Ids.newId(), run = Ids.newId();
                store.insertExperiment(new Experiment(experiment, "bench", "bench", null, CorpusSpec.ofPreset("seed-examples", null), null, null),
                        List.of(new Run(run, experiment, 0, "lstm", new TrainingSettings(), "bench", null, "queued", null, null, null, 0, 0, null, null, null, Double.NaN, null)), List.of("key-" + run));
                store.queue().claim(run, "bench"); // a training's writes are its worker's: the bench worker holds it
                for (int first = 1; first <= ITERATIONS; first += ROWS_PER_FLUSH) {
                    List<float[]> rows = new ArrayList<>();
                    for (int i = 0; i < ROWS_PER_FLUSH; i++) {
                        float[] row = new float[columns.size()];
                        for (int c = 0; c < row.length; c++) row[c] = random.nextFloat();
                        rows.add(row);
                    }
                    store.records().append(new QueueStore.Lease(run, "bench"), new RecordStore.Batch(columns, first, rows, List.of(), List.of(), List.of()),
                            first + ROWS_PER_FLUSH - 1, ITERATIONS);
                }
                ids.add(run);
            }
            double[] millis = new double[REPETITIONS];
            for (int rep = 0; rep < REPETITIONS; rep++) {
                long start = System.nanoTime();
                List<MetricSeries> all = store.records().metrics(ids);
                // what Compare does next: keep ~1,000 points per run, each bucket's extremes of loss and gradient norm
                int kept = 0;
                for (MetricSeries m : all) {
                    int[] keep = Downsampling.keep(m.size(), 1000, List.of(m.columns().get("loss"), m.columns().get("gradNorm.total")));
                    for (float[] column : m.columns().values()) {
                        float[] picked = new float[keep.length];
                        for (int i = 0; i < keep.length; i++) picked[i] = column[keep[i]];
                        kept += picked.length;
                    }
                }
                millis[rep] = (System.nanoTime() - start) / 1e6;
                if (all.stream().anyMatch(m -> m.size() != ITERATIONS) || kept == 0) throw new AssertionError("incomplete load");
            }
            Arrays.sort(millis);
            System.out.printf(Locale.ROOT, "metrics load and downsample to 1,000 points, %d runs x %d iterations x %d series: median %.1f ms (min %.1f, max %.1f) over %d loads%n",
                    RUNS, ITERATIONS, columns.size(), millis[REPETITIONS / 2], millis[0], millis[REPETITIONS - 1], REPETITIONS);
            System.out.printf(Locale.ROOT, "{\"figure\":\"compare-load\",\"medianMs\":%.1f,\"minMs\":%.1f,\"maxMs\":%.1f,\"loads\":%d}%n",
                    millis[REPETITIONS / 2], millis[0], millis[REPETITIONS - 1], REPETITIONS);
        }
    }
}
