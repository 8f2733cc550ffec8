package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Our engine answers to DeepLearning4J: on the same weights and the same batch (windows of different lengths, context
 * steps that do not count), every model kind it trains at 1–3 layers gives DL4J's loss, every parameter's gradient
 * (‖g_engine − g_DL4J‖ / ‖g_DL4J‖ ≤ 1e-4 in float32) and g(k); and 50 optimizer steps through the engine give the
 * loss curve of 50 of DL4J's own {@code fit} steps.
 */
class EngineEqualityTest {
    static final double GRADIENT_TOLERANCE = 1e-4;

    static Corpus corpus;

    @BeforeAll
    static void backend() {
        NativeBackend.warmUp();
        // sentences of 2–8 words from a small vocabulary: windows of many lengths, some reaching back over earlier sentences
        String[] words = "the a cat dog sat saw on mat log and was".split(" ");
        java.util.Random random = new java.util.Random(11);
        StringBuilder text = new StringBuilder();
        for (int sentence = 0; sentence < 60; sentence++) {
            int length = 2 + random.nextInt(7);
            for (int w = 0; w < length; w++) text.append(w == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            text.append(". ");
        }
        corpus = Corpus.ofText(text.toString(), true);
    }

    static Stream<Arguments> kindsAndLayers() {
        List<Arguments> out = new ArrayList<>();
        for (ModelKind kind : ModelKind.values()) {
            // the skip in time needs a layer below the one that skips
            for (int layers = kind == ModelKind.RNN_SKIP ? 2 : 1; layers <= 3; layers++) out.add(Arguments.of(kind, layers));
        }
        return out.stream();
    }

    /** Sizes that exercise every path of the kernels: register tiles, single vectors and ragged edges. */
    static TrainingSettings settings(ModelKind kind, int layers) {
        TrainingSettings s = new TrainingSettings().tunedFor(kind);
        s.hidden = 21;
        s.embedding = 11;
        s.layers = layers;
        s.window = 13;
        s.batch = 7;
        s.validationFraction = 0;
        s.seed = 5;
        s.init = TrainingSettings.Init.XAVIER;
        s.initScale = 1;
        s.skip = 3; // rnn-skip's top layer: 13 steps read 3 back, the first 3 from nothing
        return s;
    }

    @ParameterizedTest
    @MethodSource("kindsAndLayers")
    void lossAndEveryParameterGradientEqualDl4js(ModelKind kind, int layers) {
        TrainingSettings s = settings(kind, layers);
        TrainingData data = TrainingData.of(corpus, s);
        Network network = Network.build(kind, s, data.vocabulary.size(), DataType.FLOAT, true);
        assertNotNull(network.engine, kind + " is trained by the engine");
        List<TrainingData.Window> windows = mixed(data.train, s.batch);
        assertTrue(windows.stream().mapToInt(TrainingData.Window::length).distinct().count() > 1, "windows of different lengths");
        assertTrue(windows.stream().anyMatch(w -> w.firstScored() > 0), "some steps are context only");

        network.computeWithDl4j(windows);
        double dl4jScore = network.model.score();

        network.engine.pullParameters();
        network.engine.load(windows, false);
        double engineScore = network.engine.engine.lossAndGradient() / windows.size();

        assertEquals(dl4jScore, engineScore, 1e-5 * Math.abs(dl4jScore), "loss");
        Map<String, float[]> ours = network.engine.engineGradients(), theirs = network.engine.dl4jGradients();
        assertEquals(network.model.paramTable().keySet(), theirs.keySet(), "every parameter compared");
        for (String key : theirs.keySet()) {
            double difference = EngineBinding.largestRelativeDifference(Map.of(key, ours.get(key)), Map.of(key, theirs.get(key)));
            assertTrue(difference <= GRADIENT_TOLERANCE, kind + " × " + layers + " " + key + ": relative difference " + difference);
            assertTrue(norm(theirs.get(key)) > 0, key + " has a gradient at all");
        }
    }

    /** The validation scores from the engine's forward pass equal DL4J's output's, on more windows than one engine batch. */
    @ParameterizedTest
    @MethodSource("kindsAndLayers")
    void evaluationEqualsDl4js(ModelKind kind, int layers) {
        TrainingSettings s = settings(kind, layers);
        TrainingData data = TrainingData.of(corpus, s);
        Network network = Network.build(kind, s, data.vocabulary.size(), DataType.FLOAT, true);
        for (int step = 0; step < 30; step++) network.step(mixed(data.train, s.batch)); // away from the uniform start
        List<TrainingData.Window> windows = data.train;
        assertTrue(windows.size() > network.engine.engine.maxBatch(), windows.size() + " windows, more than one engine batch");

        Evaluator.Result ours = Evaluator.evaluate(network, windows, data.vocabulary.size());
        Evaluator.Result theirs = Evaluator.evaluateWithDl4j(network, windows, data.vocabulary.size());
        assertEquals(theirs.positions(), ours.positions());
        assertEquals(theirs.loss(), ours.loss(), 1e-5 * theirs.loss(), "loss");
        // two float implementations may rank two words apart only where their probabilities tie to the last digits
        double ties = nearTies(network, windows, data.vocabulary.size()) + 1e-9;
        assertEquals(theirs.top1(), ours.top1(), ties, "top-1 (near ties: " + ties + ")");
        assertEquals(theirs.top5(), ours.top5(), ties, "top-5 (near ties: " + ties + ")");
        assertTrue(ours.top1() > 0 && ours.top1() < 1, "top-1 " + ours.top1());
    }

    /** The share of scored steps where, in DL4J's softmax, another word's probability is within 1e-4 of the right word's. */
    static double nearTies(Network network, List<TrainingData.Window> windows, int vocabulary) {
        long ties = 0, positions = 0;
        for (TrainingData.Window w : windows) {
            Batch batch = Batch.of(List.of(w), vocabulary, DataType.FLOAT);
            INDArray p = network.output(batch.features(), batch.featuresMask(), batch.labelsMask());
            for (int s = w.firstScored(); s < w.length(); s++) {
                double right = p.getDouble(0, w.labels()[s], s);
                for (int v = 0; v < vocabulary; v++) {
                    if (v != w.labels()[s] && Math.abs(p.getDouble(0, v, s) - right) <= 1e-4 * right) {
                        ties++;
                        break;
                    }
                }
                positions++;
            }
        }
        return (double) ties / positions;
    }

    @ParameterizedTest
    @MethodSource("kindsAndLayers")
    void gradientFlowEqualsDl4jsInputGradient(ModelKind kind, int layers) {
        TrainingSettings s = settings(kind, layers);
        TrainingData data = TrainingData.of(corpus, s);
        Network network = Network.build(kind, s, data.vocabulary.size(), DataType.FLOAT, true);
        List<TrainingData.Window> windows = data.probe;
        assertTrue(windows.size() >= 3, "probe windows");

        Batch batch = Batch.lastStepOnly(windows, data.vocabulary.size(), DataType.FLOAT);
        INDArray dl4j = network.inputGradient(network.embed(batch.features()), batch.labels(), batch.labelsMask());
        network.engine.pullParameters();
        network.engine.load(windows, true);
        network.engine.engine.lossAndGradient();
        float[] ours = network.engine.engine.inputGradient();
        int b = windows.size(), e = s.embedding, steps = (int) dl4j.size(2);
        double difference = 0, size = 0;
        for (int w = 0; w < b; w++) {
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < e; i++) {
                    double reference = dl4j.getDouble(w, i, t);
                    double d = ours[(t * b + w) * e + i] - reference;
                    difference += d * d;
                    size += reference * reference;
                }
            }
        }
        assertTrue(size > 0);
        assertTrue(Math.sqrt(difference / size) <= GRADIENT_TOLERANCE, kind + " ∂L/∂x: " + Math.sqrt(difference / size));
        double[] dl4jFlow = new GradientFlowProbe(network, windows, data.vocabulary.size()).measureWithDl4j();
        double[] engineFlow = new GradientFlowProbe(network, windows, data.vocabulary.size()).measure();
        assertEquals(dl4jFlow.length, engineFlow.length);
        for (int k = 0; k < dl4jFlow.length; k++) assertEquals(dl4jFlow[k], engineFlow[k], 1e-4 * dl4jFlow[k] + 1e-12, "g(" + k + ")");
        assertTrue(dl4j.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)).norm2Number().doubleValue() > 0);
    }

    static Stream<Arguments> kindsAndOptimizers() {
        List<Arguments> out = new ArrayList<>();
        for (ModelKind kind : ModelKind.values()) {
            for (TrainingSettings.Optimizer optimizer : TrainingSettings.Optimizer.values()) out.add(Arguments.of(kind, optimizer));
        }
        return out.stream();
    }

    /** 50 steps through the engine (DL4J's updater applying its gradients) against 50 of DL4J's own fit steps, 2 layers. */
    @ParameterizedTest
    @MethodSource("kindsAndOptimizers")
    void fiftyStepsFollowDl4jsLossCurve(ModelKind kind, TrainingSettings.Optimizer optimizer) {
        int layers = 2;
        TrainingSettings s = settings(kind, layers);
        s.optimizer = optimizer;
        // rates at which training is calm: where it is chaotic, any two float implementations part ways after a few steps
        s.learningRate = switch (optimizer) {
            case SGD -> 0.05;
            case MOMENTUM -> 0.02;
            case ADAM, RMSPROP -> 0.003;
        };
        TrainingData data = TrainingData.of(corpus, s);
        Network ours = Network.build(kind, s, data.vocabulary.size(), DataType.FLOAT, true);
        Network reference = Network.build(kind, s, data.vocabulary.size(), DataType.FLOAT, false);
        reference.model.setParams(ours.model.params());
        int perBatch = s.batch;
        for (int step = 0; step < 50; step++) {
            int from = (step * perBatch) % Math.max(1, data.train.size() - perBatch);
            List<TrainingData.Window> windows = data.train.subList(from, from + perBatch);
            double engineScore = ours.step(windows);
            reference.fit(Batch.of(windows, data.vocabulary.size(), DataType.FLOAT));
            double dl4jScore = reference.model.score();
            assertEquals(dl4jScore, engineScore, 1e-3 * Math.abs(dl4jScore), kind + " " + optimizer + " step " + step);
        }
        assertTrue(ours.gradientCheck <= GRADIENT_TOLERANCE, "the first step's check: " + ours.gradientCheck);
    }

    /**
     * Our flat optimizer step against DL4J's updater, from the same gradients: the parameters, the update left in the
     * gradient vector and the optimizer's state agree after each of five steps, with the learning rate decaying by epoch.
     */
    @ParameterizedTest
    @EnumSource(TrainingSettings.Optimizer.class)
    void theFlatOptimizerStepsAsDl4jsUpdater(TrainingSettings.Optimizer optimizer) {
        TrainingSettings s = settings(ModelKind.LSTM, 2);
        s.optimizer = optimizer;
        s.decay = 0.7;
        TrainingData data = TrainingData.of(corpus, s);
        Network ours = Network.build(ModelKind.LSTM, s, data.vocabulary.size(), DataType.FLOAT, false);
        Network reference = Network.build(ModelKind.LSTM, s, data.vocabulary.size(), DataType.FLOAT, false);
        reference.model.setParams(ours.model.params());
        FlatOptimizer flat = null;
        for (int step = 0; step < 5; step++) {
            List<TrainingData.Window> windows = data.train.subList(step * s.batch, (step + 1) * s.batch);
            ours.computeWithDl4j(windows);
            reference.computeWithDl4j(windows);
            if (flat == null) flat = new FlatOptimizer(ours.model);
            int epoch = step; // a new epoch each step: the decay schedule moves every time
            flat.step(step, epoch, windows.size());
            reference.model.getUpdater().update(reference.model.gradient(), step, epoch, windows.size(),
                    org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            reference.model.params().subi(reference.model.gradient().gradient());
            assertClose(reference.model.getFlattenedGradients(), ours.model.getFlattenedGradients(), optimizer + " update, step " + step);
            assertClose(reference.model.params(), ours.model.params(), optimizer + " parameters, step " + step);
            if (optimizer != TrainingSettings.Optimizer.SGD) {
                assertClose(reference.model.getUpdater().getStateViewArray(), ours.model.getUpdater().getStateViewArray(),
                        optimizer + " state, step " + step);
            }
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double difference = expected.sub(actual).norm2Number().doubleValue(), size = expected.norm2Number().doubleValue();
        assertTrue(size > 0, what + " is not all zero");
        assertTrue(difference <= 1e-5 * size, what + ": relative difference " + difference / size);
    }

    /** The update ratio Instrumentation records is ‖θ_after − θ_before‖ / ‖θ_after‖ per layer, on either engine. */
    @ParameterizedTest
    @MethodSource("kindsAndOptimizers")
    void theRecordedUpdateRatioIsTheStepTheParametersTook(ModelKind kind, TrainingSettings.Optimizer optimizer) {
        TrainingSettings s = settings(kind, 2);
        s.optimizer = optimizer;
        s.clip = TrainingSettings.ClipMode.NORM;
        s.clipThreshold = 0.5;
        TrainingData data = TrainingData.of(corpus, s);
        for (boolean engine : new boolean[] {true, false}) {
            Network network = Network.build(kind, s, data.vocabulary.size(), DataType.FLOAT, engine);
            Instrumentation instrumentation = new Instrumentation(network, s.clip, s.clipThreshold);
            network.model.setListeners(instrumentation);
            for (int step = 0; step < 3; step++) {
                List<TrainingData.Window> windows = data.train.subList(step * s.batch, (step + 1) * s.batch);
                Map<String, INDArray> before = new java.util.LinkedHashMap<>();
                network.model.paramTable().forEach((key, value) -> before.put(key, value.dup()));
                instrumentation.nextBatch(windows.size());
                network.step(windows);
                Map<String, double[]> byLayer = new java.util.LinkedHashMap<>();
                network.model.paramTable().forEach((key, after) -> {
                    double[] sums = byLayer.computeIfAbsent(key.substring(0, key.indexOf('_')), k -> new double[2]);
                    sums[0] += Math.pow(after.sub(before.get(key)).norm2Number().doubleValue(), 2);
                    sums[1] += Math.pow(after.norm2Number().doubleValue(), 2);
                });
                byLayer.forEach((layer, sums) -> assertEquals(Math.sqrt(sums[0] / sums[1]), instrumentation.updateRatio.get(layer),
                        1e-4 * Math.sqrt(sums[0] / sums[1]), kind + " " + optimizer + (engine ? " engine " : " DL4J ") + layer));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"LSTM", "RNN_SKIP"})
    void everyRunRecordsItsCheckAgainstDl4j(ModelKind kind) {
        TrainingSettings s = settings(kind, 2);
        s.maxIterations = 5;
        TrainingResult run = new Trainer(corpus, kind, s).train(TrainingObserver.NONE, () -> false);
        assertTrue(run.summary().gradientCheck() >= 0 && run.summary().gradientCheck() <= GRADIENT_TOLERANCE, run.summary().toString());
    }

    /** The finite-difference checks' models, in double, keep DL4J's passes: the engine computes in float32. */
    @Test
    void doublesStayOnDl4j() {
        assertEquals(null, Network.build(ModelKind.LSTM, settings(ModelKind.LSTM, 1), 10, DataType.DOUBLE, true).engine);
    }

    /** Windows with context steps and windows without, of several lengths. */
    static List<TrainingData.Window> mixed(List<TrainingData.Window> train, int count) {
        List<TrainingData.Window> out = new ArrayList<>(train.stream().filter(w -> w.firstScored() > 0).limit(count / 2).toList());
        train.stream().filter(w -> w.firstScored() == 0).limit(count - out.size()).forEach(out::add);
        return out;
    }

    private static double norm(float[] values) {
        double s = 0;
        for (float v : values) s += (double) v * v;
        return Math.sqrt(s);
    }
}
