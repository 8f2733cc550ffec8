package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Benchmark, not part of the default run: for the largest runs the cost check accepts of each kind (hidden grown until
 * the next size is refused), each piece of work a worker cannot stop in the middle of (a training step, a
 * gradient-flow probe with its spectrum, an evaluation, the first step's gradient check against DL4J where our engine
 * trains) and the sentence x-ray of a whole window, measured (median of three) beside {@link Cost}'s estimate. Every estimate must be within 2× of what was measured, or above it (an
 * estimate may err on the safe side only by 2×). Run with
 * {@code mvn test -Dgroups=benchmark -Dexcluded.groups= -Dtest=CostBenchmark}.
 */
@Tag("benchmark")
class CostBenchmark {
    record Shape(String name, ModelKind kind, int layers, int window, int batch, int embedding) {}

    static final List<Shape> SHAPES = List.of(
            new Shape("long window, batch 1", ModelKind.RNN, 1, 200, 1, 1),
            new Shape("long window, batch 1", ModelKind.RNN, 3, 200, 1, 1),
            new Shape("long window, batch 1", ModelKind.LSTM, 1, 200, 1, 1),
            new Shape("long window, batch 1", ModelKind.LSTM, 2, 200, 1, 1),
            new Shape("long window, batch 1", ModelKind.RNN_SKIP, 2, 200, 1, 1),
            new Shape("wide batch", ModelKind.RNN, 1, 100, 64, 256),
            new Shape("wide batch", ModelKind.LSTM, 1, 100, 64, 256));

    static TrainingSettings settings(Shape shape, int hidden) {
        TrainingSettings s = new TrainingSettings().tunedFor(shape.kind());
        s.layers = shape.layers();
        s.window = shape.window();
        s.batch = shape.batch();
        s.embedding = shape.embedding();
        s.hidden = hidden;
        s.epochs = 1000;
        return s;
    }

    /** The largest hidden size (a multiple of 16) whose run the default limits accept. */
    static int largestAccepted(Shape shape, CorpusSpec corpus) {
        int hidden = 16;
        while (hidden < TrainingSettings.MAX_HIDDEN && accepted(shape, corpus, hidden + 16)) hidden += 16;
        return hidden;
    }

    static boolean accepted(Shape shape, CorpusSpec corpus, int hidden) {
        TrainingSettings s = settings(shape, hidden);
        try {
            Cost.of(shape.kind(), s, corpus.requireTrainable(s)).require("hidden", 600, Cost.Limits.DEFAULT);
            return true;
        } catch (SettingsException refused) {
            return false;
        }
    }

    static double median3(Runnable work) {
        double[] seconds = new double[3];
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            work.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[1];
    }

    @Test
    void everyEstimateIsWithinTwiceTheMeasuredSecondsOnTheLargestAcceptedRuns() {
        NativeBackend.warmUp();
        CorpusSpec corpus = CorpusSpec.ofPreset("english-prose", null);
        List<String> rows = new ArrayList<>();
        List<String> off = new ArrayList<>();
        for (Shape shape : SHAPES) {
            int hidden = largestAccepted(shape, corpus);
            TrainingSettings s = settings(shape, hidden);
            TrainingData data = corpus.requireTrainable(s);
            Cost cost = Cost.of(shape.kind(), s, data);
            Network network = Network.build(shape.kind(), s, data.vocabulary.size(), DataType.FLOAT);
            List<TrainingData.Window> windows = data.train.subList(0, Math.min(s.batch, data.train.size()));
            // the first step checks the engine's gradients against DL4J (where the engine trains): that check's time is the
            // first step's less a later one's, on a fresh network once this shape is warm
            network.step(windows);
            double step = median3(() -> network.step(windows));
            double[] checks = new double[network.engine == null ? 1 : 3]; // DL4J training alone checks nothing
            for (int i = 0; i < checks.length && network.engine != null; i++) {
                Network fresh = Network.build(shape.kind(), s, data.vocabulary.size(), DataType.FLOAT);
                long t0 = System.nanoTime();
                fresh.step(windows);
                checks[i] = Math.max(0, (System.nanoTime() - t0) / 1e9 - step);
            }
            Arrays.sort(checks);
            double check = checks[checks.length / 2];
            GradientFlowProbe probe = new GradientFlowProbe(network, data.probe, data.vocabulary.size());
            double probeSeconds = median3(() -> {
                probe.measure();
                RecurrentSpectrum.of(network);
            });
            double evaluation = median3(() -> Evaluator.evaluate(network, data.validation, data.vocabulary.size()));
            TrainedModel model = new TrainedModel(network, data.vocabulary, s, true);
            Inspector inspector = new Inspector(model);
            String sentence = String.join(" ", java.util.Collections.nCopies(s.window, "the"));
            double xray = median3(() -> inspector.inspect(sentence, null));
            double xrayEstimate = Cost.inspectionSeconds(shape.kind(), s, data.vocabulary.size(), s.window);
            double[][] pairs = {{cost.secondsPerIteration(), step}, {cost.probeSeconds(), probeSeconds},
                    {cost.evaluationSeconds(), evaluation}, {cost.checkSeconds(), check}, {xrayEstimate, xray}};
            String[] names = {"step", "probe", "evaluation", "gradient check", "x-ray"};
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s %s × %d layer(s) | %d | V %d, %d validation windows |",
                    shape.kind().id, shape.name(), shape.layers(), hidden, data.vocabulary.size(), data.validation.size()));
            for (int i = 0; i < pairs.length; i++) {
                double estimate = pairs[i][0], measured = pairs[i][1];
                row.append(String.format(Locale.ROOT, " %.2f / %.2f |", estimate, measured));
                // an estimate below half the measured time lets too much through; one far above refuses too much (only
                // for work long enough to matter: below 0.2 s DL4J's fixed overhead dominates and refuses nothing)
                if (estimate < measured / 2 || measured > 0.2 && estimate > 2 * measured) {
                    off.add(shape.kind().id + " " + shape.name() + " " + names[i] + ": estimated " + estimate + " s, measured " + measured + " s");
                }
            }
            rows.add(row.toString());
        }
        System.out.println("| run | largest accepted hidden | data | step s (est. / measured) | probe s | evaluation s | first step's gradient check s | x-ray of a window s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        assertTrue(off.isEmpty(), String.join("\n", off));
    }
}
