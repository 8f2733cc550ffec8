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
    void theGradientAlongEveryBlockIsTheLossesCentralDifference(RecurrentEngine.Cell cell, int layers, int lag) throws Exception {
        RecurrentEngine engine = new RecurrentEngine(cell, VOCABULARY, EMBEDDING, HIDDEN, layers, lag, BATCH, STEPS, new PlainKernels());
        check(new Checked() {
            public double parameter(int i) { return engine.parameters[i]; }
            public void parameter(int i, double v) { engine.parameters[i] = (float) v; }
            public double gradient(int i) { return engine.gradient[i]; }
            public void window(int b, int[] inputs, int[] next, int first, int last) { engine.window(b, inputs, next, first, last); }
            public void startBatch(int windows, int steps) { engine.startBatch(windows, steps); }
            public double lossAndGradient() { return engine.lossAndGradient(); }
            public double forward() { return engine.forward(); }
        }, engine, cell + ", " + layers + " layer(s), lag " + lag, EPSILON, TOLERANCE);
    }

    static final double EPSILON_IN_DOUBLE = 1e-6, TOLERANCE_IN_DOUBLE = 1e-6;

    @ParameterizedTest(name = "in double: {0}, {1} layer(s), reading {2} back")
    @MethodSource("models")
    void inDoubleTheGradientAlongEveryBlockIsTheLossesCentralDifference(RecurrentEngine.Cell cell, int layers, int lag) throws Exception {
        EngineInDouble engine = EngineInDouble.create(cell, VOCABULARY, EMBEDDING, HIDDEN, layers, lag, BATCH, STEPS);
        double[] parameters = engine.parameters(), gradient = engine.gradient();
        // the same source, so the same layout of its parameters as the float32 engine of this shape
        RecurrentEngine layout = new RecurrentEngine(cell, VOCABULARY, EMBEDDING, HIDDEN, layers, lag, BATCH, STEPS, new PlainKernels());
        assertEquals(layout.parameters.length, parameters.length);
        double worst = check(new Checked() {
            public double parameter(int i) { return parameters[i]; }
            public void parameter(int i, double v) { parameters[i] = v; }
            public double gradient(int i) { return gradient[i]; }
            public void window(int b, int[] inputs, int[] next, int first, int last) throws ReflectiveOperationException {
                engine.window(b, inputs, next, first, last);
            }
            public void startBatch(int windows, int steps) throws ReflectiveOperationException { engine.startBatch(windows, steps); }
            public double lossAndGradient() throws ReflectiveOperationException { return engine.lossAndGradient(); }
            public double forward() throws ReflectiveOperationException { return engine.forward(); }
        }, layout, "in double: " + cell + ", " + layers + " layer(s), lag " + lag, EPSILON_IN_DOUBLE, TOLERANCE_IN_DOUBLE);
        System.out.printf("in double: %s, %d layer(s), lag %d: largest |g·u − central difference| / |g| = %.1e%n", cell, layers, lag, worst);
    }

    /** What the check reads and sets of an engine, in float32 or in double. */
    interface Checked {
        double parameter(int i);

        void parameter(int i, double v);

        double gradient(int i);

        void window(int b, int[] inputs, int[] next, int firstCounted, int lastCounted) throws ReflectiveOperationException;

        void startBatch(int windows, int steps) throws ReflectiveOperationException;

        double lossAndGradient() throws ReflectiveOperationException;

        double forward() throws ReflectiveOperationException;
    }

    /**
     * Random parameters (the output's padding columns zero, as the binding leaves them), three windows (one shorter, the
     * first steps of each uncounted, as training windows are), then g·u against the central difference along
     * {@value #DIRECTIONS} random directions of every block of {@code layout}. Returns the largest difference seen, in
     * units of its block's gradient size.
     */
    static double check(Checked engine, RecurrentEngine layout, String what, double epsilon, double tolerance) throws Exception {
        Random random = new Random(17);
        int size = layout.parameters.length;
        for (int i = 0; i < size; i++) engine.parameter(i, random.nextGaussian() * 0.6);
        for (int j = layout.vocabulary; j < layout.outputWidth; j++) {
            engine.parameter(layout.outputBiasAt + j, 0);
            for (int r = 0; r < layout.hidden; r++) engine.parameter(layout.outputWeightsAt + r * layout.outputWidth + j, 0);
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
        double[] gradient = new double[size];
        for (int i = 0; i < size; i++) gradient[i] = engine.gradient(i);

        double worst = 0;
        for (int[] block : blocks(layout)) {
            int from = block[0], to = block[1];
            double length = 0;
            for (int i = from; i < to; i++) length += gradient[i] * gradient[i];
            length = Math.sqrt(length);
            assertTrue(length > 1e-3, what + ": block at " + from + " has a gradient to check (" + length + ")");
            for (int d = 0; d < DIRECTIONS; d++) {
                double[] u = new double[to - from];
                double norm = 0;
                for (int i = 0; i < u.length; i++) norm += (u[i] = random.nextGaussian()) * u[i];
                norm = Math.sqrt(norm);
                double along = 0;
                for (int i = 0; i < u.length; i++) along += gradient[from + i] * (u[i] /= norm);
                double[] saved = new double[u.length];
                for (int i = 0; i < u.length; i++) saved[i] = engine.parameter(from + i);
                for (int i = 0; i < u.length; i++) engine.parameter(from + i, saved[i] + epsilon * u[i]);
                double up = engine.forward();
                for (int i = 0; i < u.length; i++) engine.parameter(from + i, saved[i] - epsilon * u[i]);
                double down = engine.forward();
                for (int i = 0; i < u.length; i++) engine.parameter(from + i, saved[i]);
                double difference = (up - down) / (2 * epsilon);
                worst = Math.max(worst, Math.abs(difference - along) / length);
                assertEquals(difference, along, tolerance * length, what + ": block [" + from + ", " + to + "), direction " + d);
            }
        }
        return worst;
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
