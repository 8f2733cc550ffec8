package lab.gradient.training;

import java.util.List;
import lab.gradient.training.engine.RecurrentEngine;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sentence x-ray: what one trained model does with one sentence, word by word, so a student sees the notes'
 * argument happen on their own words.
 *
 * <ul>
 * <li><b>saliency</b> — which earlier words the prediction used: ‖∂ log p(w | prefix)/∂x_t‖ for every word t, x_t its
 * embedding, from our engine's backward pass through every layer;
 * <li><b>factors</b> — the notes' ∂o_t/∂o_{t−1}, one number per step: the largest singular value of the first recurrent
 * layer's step Jacobian. Convention (DL4J's row vectors, o_t = f(x_t W + o_{t−1} R + b)): J_t = ∂o_t/∂o_{t−1} =
 * diag(f′(z_t)) Rᵀ, so for the tanh RNN σ_max(diag(1 − o_t²) Rᵀ). For the LSTM the same is shown for its cell state's
 * own path, c_t = f_t ⊙ c_{t−1} + i_t ⊙ a_t: ∂c_t/∂c_{t−1} along it is diag(f_t), size max_i f_t,i — the forget gate;
 * <li><b>product</b> — from the last word back, the size of ∂o_T/∂o_t = J_T ⋯ J_{t+1} (the matrix product, not the
 * product of the sizes; 1 at the last word): falling is vanishing, rising is exploding;
 * <li>the first recurrent layer's <b>hidden state</b> per word, and the LSTM's <b>gates</b> and cell size.
 * </ul>
 * The states and gates are those of our engine's forward pass over the sentence (they equal DL4J's to float rounding;
 * {@code InspectorTest} checks it); the Jacobians, their sizes and products are computed from them in double.
 */
public final class Inspector {
    private final TrainedModel trained;
    private final Predictor predictor;

    public Inspector(TrainedModel trained) {
        this.trained = trained;
        this.predictor = new Predictor(trained);
    }

    /** How many words the x-ray of {@code text} reads: its latest window T at most, as a prediction does. */
    public int wordsRead(String text) {
        return predictor.contextIds(text == null ? "" : text).size();
    }

    /**
     * The x-ray of {@code text} (as a prefix: the model reads its latest window T, as for a prediction). {@code target}
     * is the word whose probability the saliency follows; null or blank: the model's own top prediction.
     */
    public Inspection inspect(String text, String target) {
        Vocabulary vocabulary = trained.vocabulary();
        List<Integer> ids = predictor.contextIds(text == null ? "" : text);
        List<String> words = ids.stream().map(vocabulary::word).toList();
        int followed = -1;
        if (target != null && !target.isBlank()) {
            String word = trained.lowerCase() ? target.strip().toLowerCase(java.util.Locale.ROOT) : target.strip();
            if (!vocabulary.contains(word)) throw new SettingsException("target", "'" + target.strip() + "' is not a word this model knows");
            followed = vocabulary.id(word);
        }
        RecurrentEngine engine = trained.reader();
        synchronized (engine) { // one model may serve several requests; the engine's passes are not reentrant
            int predicted = argmax(predictor.distribution(ids));
            if (followed < 0) followed = predicted;
            double[] saliency = saliency(engine, ids, followed);
            Layer layer = firstLayer(engine, ids.size());
            return new Inspection(words, vocabulary.word(predicted), vocabulary.word(followed), saliency,
                    layer.gates == null ? "hidden" : "cell", layer.factors, layer.product, layer.hidden, layer.gates, layer.cell,
                    trained.settings().layers);
        }
    }

    /**
     * ‖∂ log p(target at the last step)/∂x_t‖ per word: the engine's forward and backward pass over the sentence with
     * the last step's loss alone counting, −log p(target), whose gradient on x_t has the same size.
     */
    private static double[] saliency(RecurrentEngine engine, List<Integer> ids, int target) {
        int steps = ids.size(), e = engine.embedding;
        int[] words = ids.stream().mapToInt(Integer::intValue).toArray(), next = new int[steps];
        next[steps - 1] = target;
        engine.startBatch(1, steps);
        engine.window(0, words, next, steps - 1, steps - 1);
        engine.lossAndGradient();
        float[] gradient = engine.inputGradient(); // a batch of 1: row t is word t
        double[] norms = new double[steps];
        for (int t = 0; t < steps; t++) {
            double squares = 0;
            for (int i = 0; i < e; i++) squares += (double) gradient[t * e + i] * gradient[t * e + i];
            norms[t] = Math.sqrt(squares);
        }
        return norms;
    }

    /** What the first recurrent layer did at each word. */
    private record Layer(double[][] hidden, Inspection.Gates gates, double[] cell, double[] factors, double[] product) {}

    /** The first recurrent layer over the sentence, as the engine's forward pass just computed it, with its step Jacobians. */
    private Layer firstLayer(RecurrentEngine engine, int steps) {
        int n = engine.hidden;
        double[][] hidden = new double[n][steps];
        float[] states = engine.states(0);
        for (int t = 0; t < steps; t++) for (int i = 0; i < n; i++) hidden[i][t] = states[t * n + i];
        return engine.cell == RecurrentEngine.Cell.LSTM ? lstm(engine, hidden, steps) : simple(engine, hidden, steps);
    }

    /**
     * o_t = f(x_t W + o_{t−1} R + b); J_t = diag(f′(z_t)) Rᵀ, f′ read from o_t (tanh: 1 − o²; ReLU: 1 where o > 0, the
     * leaky ReLU's slope below). Only the slopes f′(z_t) are kept (n numbers a word), not the n × n Jacobians: J_t is
     * applied from them and R when needed, so a 1,024-wide layer over 200 words holds a few megabytes, not gigabytes.
     */
    private static Layer simple(RecurrentEngine engine, double[][] hidden, int steps) {
        int n = engine.hidden;
        double[][] slopes = new double[steps][n], r = new double[n][n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                double o = hidden[i][t];
                slopes[t][i] = switch (engine.cell) {
                    case TANH -> 1 - o * o;
                    case RELU -> o > 0 ? 1 : 0;
                    default -> o > 0 ? 1 : RecurrentEngine.LEAKY_SLOPE;
                };
            }
        }
        int at = engine.recurrentWeightsAt[0];
        for (int k = 0; k < n; k++) for (int i = 0; i < n; i++) r[k][i] = engine.parameters[at + k * n + i];
        // J_t = diag(s_t) Rᵀ: row i of J_t is s_t,i times column i of R
        double[] factors = new double[steps], jacobian = new double[n * n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) jacobian[i * n + k] = slopes[t][i] * r[k][i];
            factors[t] = largestSingularValue(jacobian, n);
        }
        return new Layer(hidden, null, null, factors, runningProduct(slopes, r));
    }

    /**
     * σ_max(J_T ⋯ J_{t+1}) for every t: 1 at the last word. The product P is carried as one n × n matrix, P ← P diag(s_t) Rᵀ
     * a word (BLAS's dgemm, in double), kept at size 1 with its scale carried as a logarithm, so a product that vanishes
     * to 1e-30 or explodes to 1e30 is still measured.
     */
    private static double[] runningProduct(double[][] slopes, double[][] r) {
        int steps = slopes.length, n = r.length;
        double[] product = new double[steps];
        INDArray rTransposed = Nd4j.create(r).transpose().dup('c');
        INDArray p = Nd4j.eye(n).castTo(DataType.DOUBLE), next = Nd4j.create(DataType.DOUBLE, n, n);
        double logScale = 0;
        product[steps - 1] = 1;
        for (int t = steps - 1; t > 0; t--) {
            p.muliRowVector(Nd4j.createFromArray(slopes[t]));
            Nd4j.gemm(p, rTransposed, next, false, false, 1.0, 0.0);
            INDArray swap = p;
            p = next;
            next = swap;
            double size = largestSingularValue(p.data().asDouble(), n);
            if (!(size > 0)) {
                // a ReLU layer whose units are all off at one step: nothing before it reaches the last word
                java.util.Arrays.fill(product, 0, t, 0);
                return product;
            }
            p.divi(size);
            logScale += Math.log(size);
            product[t - 1] = Math.exp(logScale);
        }
        return product;
    }

    /**
     * The LSTM (DL4J's block order [z | f | o | i], as the engine keeps them): c_t = f ⊙ c_{t−1} + i ⊙ z, h_t = o ⊙ tanh(c_t).
     * The gates as the engine's forward pass activated them; the factor along the cell's path is the forget gate.
     */
    private static Layer lstm(RecurrentEngine engine, double[][] hidden, int steps) {
        int n = engine.hidden;
        float[] g = engine.gateActivations(0), c = engine.cells(0);
        double[][] forget = new double[n][steps], input = new double[n][steps], output = new double[n][steps];
        double[] cellSize = new double[steps], factors = new double[steps], product = new double[steps];
        double[][] f = new double[steps][n];
        for (int t = 0; t < steps; t++) {
            int gAt = t * 4 * n;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                f[t][i] = forget[i][t] = g[gAt + n + i];
                output[i][t] = g[gAt + 2 * n + i];
                input[i][t] = g[gAt + 3 * n + i];
                squares += (double) c[t * n + i] * c[t * n + i];
            }
            cellSize[t] = Math.sqrt(squares);
            factors[t] = max(f[t]);
        }
        // ∂c_T/∂c_t along the cell's path: the elementwise product of the forget gates after t
        double[] carried = new double[n];
        java.util.Arrays.fill(carried, 1);
        for (int t = steps - 1; t >= 0; t--) {
            product[t] = max(carried);
            for (int i = 0; i < n; i++) carried[i] *= f[t][i];
        }
        return new Layer(hidden, new Inspection.Gates(forget, input, output), cellSize, factors, product);
    }

    /** σ_max(A). */
    static double largestSingularValue(double[][] a) {
        int n = a.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) System.arraycopy(a[i], 0, flat, i * n, n);
        return largestSingularValue(flat, n);
    }

    /**
     * σ_max of the n × n matrix in {@code a} (either order: A and Aᵀ have the same singular values), exactly, by LAPACK's
     * {@code dgesdd} (values only) from the OpenBLAS ND4J loads: a fixed cost of about n³, which the x-ray's price counts
     * ({@link Cost#inspectionSeconds}); power iteration, tried first, took hundreds of steps when σ_1 ≈ σ_2. {@code a} is
     * overwritten.
     */
    private static double largestSingularValue(double[] a, int n) {
        double[] singular = new double[n];
        int info = openblas.LAPACKE_dgesdd(openblas.LAPACK_COL_MAJOR, (byte) 'N', n, n, a, n, singular, null, 1, null, 1);
        if (info != 0) throw new ArithmeticException("LAPACK dgesdd did not converge (info " + info + ")");
        return singular[0];
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
