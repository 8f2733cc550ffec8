package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The gradients on screen are the true ones: in double precision, the per-parameter gradient norms that
 * {@link Instrumentation} records and the gradient-flow norms of {@link GradientFlowProbe} agree with central
 * finite differences of the loss.
 */
class FiniteDifferenceTest {
    static final double EPSILON = 1e-6;
    static final double TOLERANCE = 1e-3;

    static Corpus corpus;

    @BeforeAll
    static void backend() {
        NativeBackend.warmUp();
        corpus = Corpus.ofText("the cat sat on the mat. a dog sat on a log. the dog saw the cat on the mat.", true);
    }

    static TrainingSettings tinySettings() {
        TrainingSettings s = new TrainingSettings();
        s.hidden = 4;
        s.embedding = 3;
        s.window = 6;
        s.batch = 4;
        s.validationFraction = 0;
        s.optimizer = TrainingSettings.Optimizer.SGD;
        s.learningRate = 0.1;
        s.seed = 3;
        return s;
    }

    /** rnn-skip with s = 2, so its top layer takes several skips inside a 6-step window (padding included). */
    static TrainingSettings tinySettings(ModelKind kind) {
        TrainingSettings s = tinySettings().tunedFor(kind);
        s.skip = 2;
        return s;
    }

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"RNN", "LSTM", "RNN_SKIP"})
    void recordedParameterGradientNormsMatchFiniteDifferences(ModelKind kind) {
        TrainingSettings s = tinySettings(kind);
        TrainingData data = TrainingData.of(corpus, s);
        Network network = Network.build(kind, s, data.vocabulary.size(), DataType.DOUBLE);
        Batch batch = Batch.of(data.train.subList(0, 4), data.vocabulary.size(), DataType.DOUBLE);
        DataSet ds = new DataSet(batch.features(), batch.labels(), batch.featuresMask(), batch.labelsMask());

        Map<String, Double> expected = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, INDArray> e : network.model.paramTable().entrySet()) {
            INDArray p = e.getValue();
            double sumOfSquares = 0;
            for (long i = 0; i < p.length(); i++) {
                double original = p.getDouble(i);
                p.putScalar(i, original + EPSILON);
                double up = network.model.score(ds, false);
                p.putScalar(i, original - EPSILON);
                double down = network.model.score(ds, false);
                p.putScalar(i, original);
                double g = (up - down) / (2 * EPSILON);
                sumOfSquares += g * g;
            }
            expected.put(network.parameterNames.get(e.getKey()), Math.sqrt(sumOfSquares));
            total += sumOfSquares;
        }
        expected.put("total", Math.sqrt(total));

        Instrumentation instrumentation = new Instrumentation(network, TrainingSettings.ClipMode.NONE, 1);
        network.model.setListeners(instrumentation);
        instrumentation.nextBatch(batch.size());
        network.fit(batch);

        assertEquals(expected.keySet(), instrumentation.gradNorm.keySet());
        expected.forEach((name, norm) -> {
            double recorded = instrumentation.gradNorm.get(name);
            assertTrue(norm > 1e-8, name + " has a gradient at all");
            assertEquals(norm, recorded, TOLERANCE * norm, kind + " " + name);
        });
    }

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"RNN", "LSTM", "RNN_SKIP"})
    void gradientFlowMatchesFiniteDifferencesAtEveryDistance(ModelKind kind) {
        TrainingSettings s = tinySettings(kind);
        TrainingData data = TrainingData.of(corpus, s);
        Network network = Network.build(kind, s, data.vocabulary.size(), DataType.DOUBLE);
        List<TrainingData.Window> windows = data.probe;
        assertTrue(windows.size() >= 2, "the corpus yields probe windows");
        double[] probed = new GradientFlowProbe(network, windows, data.vocabulary.size()).measure();

        Batch batch = Batch.lastStepOnly(windows, data.vocabulary.size(), DataType.DOUBLE);
        INDArray x = network.embed(batch.features()).dup();
        int steps = (int) x.size(2);
        assertEquals(s.window, steps);
        assertEquals(steps, probed.length);
        int windowsInBatch = (int) x.size(0);
        for (int k = 0; k < steps; k++) {
            int t = steps - 1 - k;
            double[] perWindow = new double[windowsInBatch];
            for (int b = 0; b < windowsInBatch; b++) {
                double sumOfSquares = 0;
                for (long e = 0; e < x.size(1); e++) {
                    double original = x.getDouble(b, e, t);
                    x.putScalar(new long[] {b, e, t}, original + EPSILON);
                    double up = network.recurrentPart.score(new DataSet(x, batch.labels(), null, batch.labelsMask()), false);
                    x.putScalar(new long[] {b, e, t}, original - EPSILON);
                    double down = network.recurrentPart.score(new DataSet(x, batch.labels(), null, batch.labelsMask()), false);
                    x.putScalar(new long[] {b, e, t}, original);
                    // the score is the mean over windows, so window b's own loss moves windowsInBatch times as much
                    double g = windowsInBatch * (up - down) / (2 * EPSILON);
                    sumOfSquares += g * g;
                }
                perWindow[b] = Math.sqrt(sumOfSquares);
            }
            java.util.Arrays.sort(perWindow);
            double expected = windowsInBatch % 2 == 1 ? perWindow[windowsInBatch / 2]
                    : (perWindow[windowsInBatch / 2 - 1] + perWindow[windowsInBatch / 2]) / 2;
            assertTrue(expected > 0, "the loss depends on the input " + k + " steps back");
            assertEquals(expected, probed[k], TOLERANCE * expected, kind + " g(" + k + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TrainingSettings.ClipMode.class, names = {"NORM", "LAYER_NORM", "VALUE"})
    void clippingBoundsWhatTheUpdaterSees(TrainingSettings.ClipMode mode) {
        TrainingSettings s = tinySettings();
        TrainingData data = TrainingData.of(corpus, s);
        Network network = Network.build(ModelKind.RNN, s, data.vocabulary.size(), DataType.DOUBLE);
        Batch batch = Batch.of(data.train.subList(0, 4), data.vocabulary.size(), DataType.DOUBLE);
        double threshold = 0.01;
        Instrumentation instrumentation = new Instrumentation(network, mode, threshold);
        network.model.setListeners(instrumentation);
        instrumentation.nextBatch(batch.size());
        INDArray before = network.model.params().dup();
        network.fit(batch);

        assertTrue(instrumentation.gradNorm.get("total") > threshold * 10, "the test gradient is large enough to clip");
        // plain SGD: the step is learningRate × the gradient the updater received, so it shows what clipping let through
        INDArray step = before.sub(network.model.params()).divi(s.learningRate);
        double stepNorm = step.norm2Number().doubleValue();
        assertEquals(instrumentation.gradNormClipped.get("total"), stepNorm, 1e-9 + 1e-6 * stepNorm, "recorded post-clip norm is what was applied");
        switch (mode) {
            case NORM -> assertEquals(threshold, stepNorm, 1e-9);
            case LAYER_NORM -> assertTrue(stepNorm <= threshold * Math.sqrt(3) + 1e-9);
            case VALUE -> assertTrue(step.amaxNumber().doubleValue() <= threshold + 1e-12);
            default -> throw new AssertionError(mode);
        }
    }
}
