package lab.gradient.training.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's backward pass is the derivative of its own forward pass, with no other implementation in between: for
 * every parameter block of every kind (and 2 layers, and the skip in time), the gradient along a random direction u,
 * g·u, equals the central difference (L(θ + εu) − L(θ − εu)) / 2ε of the engine's loss. The engine computes in
 * float32, so ε is 1e-2 and the tolerance 1% of the block's gradient size: a wrong sign, a missing term or a step off by
 * one moves g·u by far more (EngineEqualityTest holds the same gradients to DL4J's within 1e-4, and
 * FiniteDifferenceTest holds DL4J's to differences in double). The same source compiled in double ({@link EngineInDouble})
 * is held to central differences at ε = 1e-6 within 1e-6 of the block's gradient size: the formulas themselves, to
 * double precision.
 */
class EngineFiniteDifferenceTest {
    static final double EPSILON = 1e-2, TOLERANCE = 1e-2;
    static final int VOCABULARY = 13, EMBEDDING = 5, HIDDEN = 6, BATCH = 3, STEPS = 7, DIRECTIONS = 3;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(RecurrentEngine.Cell.TANH, 1, 1), Arguments.of(RecurrentEngine.Cell.RELU, 1, 1),
                Arguments.of(RecurrentEngine.Cell.LEAKY_RELU, 1, 1), Arguments.of(RecurrentEngine.Cell.LSTM, 1, 1),
                Arguments.of(RecurrentEngine.Cell.TANH, 2, 1), Arguments.of(RecurrentEngine.Cell.LSTM, 2, 1),
                Arguments.of(RecurrentEngine.Cell.TANH, 2, 3));
    }

    @ParameterizedTest(name = "{0}, {1} layer(s), reading {2} back")
    @MethodSource("models")
    void theGradientAlongEveryBlockIsTheLossesCentralDifference(RecurrentEngine.Cell cell, int layers, int lag) {
        RecurrentEngine engine = new RecurrentEngine(cell, VOCABULARY, EMBEDDING, HIDDEN, layers, lag, BATCH, STEPS, new PlainKernels());
        Random random = new Random(17);
        for (int i = 0; i < engine.parameters.length; i++) engine.parameters[i] = (float) (random.nextGaussian() * 0.6);
        // the padding columns of the output stay zero, as the binding leaves them
        for (int j = engine.vocabulary; j < engine.outputWidth; j++) {
            engine.parameters[engine.outputBiasAt + j] = 0;
            for (int r = 0; r < engine.hidden; r++) engine.parameters[engine.outputWeightsAt + r * engine.outputWidth + j] = 0;
        }
        // three windows, one shorter (padded), the first steps of each uncounted (context), as training windows are
        engine.startBatch(BATCH, STEPS);
        for (int b = 0; b < BATCH; b++) {
            int length = b == 1 ? STEPS - 2 : STEPS;
            int[] inputs = new int[length], next = new int[length];
            for (int t = 0; t < length; t++) {
                inputs[t] = random.nextInt(VOCABULARY);
                next[t] = random.nextInt(VOCABULARY);
            }
            engine.window(b, inputs, next, b, length - 1);
        }
        engine.lossAndGradient();
        float[] gradient = engine.gradient.clone();

        for (int[] block : blocks(engine)) {
            int from = block[0], to = block[1];
            double size = 0;
            for (int i = from; i < to; i++) size += (double) gradient[i] * gradient[i];
            size = Math.sqrt(size);
            assertTrue(size > 1e-3, cell + " block at " + from + ": a gradient to check (" + size + ")");
            for (int d = 0; d < DIRECTIONS; d++) {
                double[] u = new double[to - from];
                double norm = 0;
                for (int i = 0; i < u.length; i++) norm += (u[i] = random.nextGaussian()) * u[i];
                norm = Math.sqrt(norm);
                double along = 0;
                for (int i = 0; i < u.length; i++) along += gradient[from + i] * (u[i] /= norm);
                float[] saved = java.util.Arrays.copyOfRange(engine.parameters, from, to);
                for (int i = 0; i < u.length; i++) engine.parameters[from + i] = (float) (saved[i] + EPSILON * u[i]);
                double up = engine.forward();
                for (int i = 0; i < u.length; i++) engine.parameters[from + i] = (float) (saved[i] - EPSILON * u[i]);
                double down = engine.forward();
                System.arraycopy(saved, 0, engine.parameters, from, saved.length);
                assertEquals((up - down) / (2 * EPSILON), along, TOLERANCE * size,
                        cell + ", " + layers + " layer(s), lag " + lag + ": block [" + from + ", " + to + "), direction " + d);
            }
        }
    }

    static final double EPSILON_IN_DOUBLE = 1e-6, TOLERANCE_IN_DOUBLE = 1e-6;

    @ParameterizedTest(name = "in double: {0}, {1} layer(s), reading {2} back")
    @MethodSource("models")
    void inDoubleTheGradientAlongEveryBlockIsTheLossesCentralDifference(RecurrentEngine.Cell cell, int layers, int lag) throws Exception {
        EngineInDouble engine = EngineInDouble.create(cell, VOCABULARY, EMBEDDING, HIDDEN, layers, lag, BATCH, STEPS);
        double[] parameters = engine.parameters();
        Random random = new Random(17);
        for (int i = 0; i < parameters.length; i++) parameters[i] = random.nextGaussian() * 0.6;
        int vocabulary = engine.field("vocabulary"), outputWidth = engine.field("outputWidth");
        for (int j = vocabulary; j < outputWidth; j++) {
            parameters[engine.field("outputBiasAt") + j] = 0;
            for (int r = 0; r < HIDDEN; r++) parameters[engine.field("outputWeightsAt") + r * outputWidth + j] = 0;
        }
        engine.startBatch(BATCH, STEPS);
        for (int b = 0; b < BATCH; b++) {
            int length = b == 1 ? STEPS - 2 : STEPS;
            int[] inputs = new int[length], next = new int[length];
            for (int t = 0; t < length; t++) {
                inputs[t] = random.nextInt(VOCABULARY);
                next[t] = random.nextInt(VOCABULARY);
            }
            engine.window(b, inputs, next, b, length - 1);
        }
        engine.lossAndGradient();
        double[] gradient = engine.gradient().clone();
        double worst = 0;
        for (int[] block : blocks(engine)) {
            int from = block[0], to = block[1];
            double size = 0;
            for (int i = from; i < to; i++) size += gradient[i] * gradient[i];
            size = Math.sqrt(size);
            assertTrue(size > 1e-3, cell + " block at " + from + ": a gradient to check (" + size + ")");
            for (int d = 0; d < DIRECTIONS; d++) {
                double[] u = new double[to - from];
                double norm = 0;
                for (int i = 0; i < u.length; i++) norm += (u[i] = random.nextGaussian()) * u[i];
                norm = Math.sqrt(norm);
                double along = 0;
                for (int i = 0; i < u.length; i++) along += gradient[from + i] * (u[i] /= norm);
                double[] saved = java.util.Arrays.copyOfRange(parameters, from, to);
                for (int i = 0; i < u.length; i++) parameters[from + i] = saved[i] + EPSILON_IN_DOUBLE * u[i];
                double up = engine.forward();
                for (int i = 0; i < u.length; i++) parameters[from + i] = saved[i] - EPSILON_IN_DOUBLE * u[i];
                double down = engine.forward();
                System.arraycopy(saved, 0, parameters, from, saved.length);
                double difference = (up - down) / (2 * EPSILON_IN_DOUBLE);
                worst = Math.max(worst, Math.abs(difference - along) / size);
                assertEquals(difference, along, TOLERANCE_IN_DOUBLE * size,
                        "in double: " + cell + ", " + layers + " layer(s), lag " + lag + ": block [" + from + ", " + to + "), direction " + d);
            }
        }
        System.out.printf("in double: %s, %d layer(s), lag %d: largest |g·u − central difference| / |g| = %.1e%n", cell, layers, lag, worst);
    }

    /** [from, to) of each parameter block of the engine compiled in double: the same layout as {@link #blocks(RecurrentEngine)}. */
    static int[][] blocks(EngineInDouble e) throws ReflectiveOperationException {
        int gn = e.field("gates") * e.field("hidden");
        int layers = e.field("layers");
        int[][] blocks = new int[3 * layers + 3][];
        int k = 0;
        blocks[k++] = new int[] {e.field("embeddingAt"), e.field("embeddingAt") + e.field("vocabulary") * e.field("embedding")};
        for (int l = 0; l < layers; l++) {
            blocks[k++] = new int[] {e.fields("inputWeightsAt")[l], e.fields("inputWeightsAt")[l] + e.inputSize(l) * gn};
            blocks[k++] = new int[] {e.fields("recurrentWeightsAt")[l], e.fields("recurrentWeightsAt")[l] + e.field("hidden") * gn};
            blocks[k++] = new int[] {e.fields("biasAt")[l], e.fields("biasAt")[l] + gn};
        }
        blocks[k++] = new int[] {e.field("outputWeightsAt"), e.field("outputWeightsAt") + e.field("hidden") * e.field("outputWidth")};
        blocks[k] = new int[] {e.field("outputBiasAt"), e.field("outputBiasAt") + e.field("outputWidth")};
        return blocks;
    }

    /** [from, to) of each parameter block: the embedding, each layer's W_in, W_h, b, then W_out and b_out. */
    static int[][] blocks(RecurrentEngine e) {
        int gn = e.gates * e.hidden;
        int[][] blocks = new int[3 * e.layers + 3][];
        int k = 0;
        blocks[k++] = new int[] {e.embeddingAt, e.embeddingAt + e.vocabulary * e.embedding};
        for (int l = 0; l < e.layers; l++) {
            blocks[k++] = new int[] {e.inputWeightsAt[l], e.inputWeightsAt[l] + e.inputSize(l) * gn};
            blocks[k++] = new int[] {e.recurrentWeightsAt[l], e.recurrentWeightsAt[l] + e.hidden * gn};
            blocks[k++] = new int[] {e.biasAt[l], e.biasAt[l] + gn};
        }
        blocks[k++] = new int[] {e.outputWeightsAt, e.outputWeightsAt + e.hidden * e.outputWidth};
        blocks[k] = new int[] {e.outputBiasAt, e.outputBiasAt + e.outputWidth};
        return blocks;
    }
}
