package lab.gradient.training;

import java.util.List;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The sentence x-ray: what one trained model does with one sentence, word by word, so a student sees the notes'
 * argument happen on their own words.
 *
 * <ul>
 * <li><b>saliency</b> — which earlier words the prediction used: ‖∂ log p(w | prefix)/∂x_t‖ for every word t, x_t its
 * embedding, from DL4J's own backward pass (the gradient tap the flow probe uses), through every layer;
 * <li><b>factors</b> — the notes' ∂o_t/∂o_{t−1}, one number per step: the largest singular value of the first recurrent
 * layer's step Jacobian. Convention (DL4J's row vectors, o_t = f(x_t W + o_{t−1} R + b)): J_t = ∂o_t/∂o_{t−1} =
 * diag(f′(z_t)) Rᵀ, so for the tanh RNN σ_max(diag(1 − o_t²) Rᵀ). For the LSTM the same is shown for its cell state's
 * own path, c_t = f_t ⊙ c_{t−1} + i_t ⊙ a_t: ∂c_t/∂c_{t−1} along it is diag(f_t), size max_i f_t,i — the forget gate;
 * <li><b>product</b> — from the last word back, the size of ∂o_T/∂o_t = J_T ⋯ J_{t+1} (the matrix product, not the
 * product of the sizes; 1 at the last word): falling is vanishing, rising is exploding;
 * <li>the first recurrent layer's <b>hidden state</b> per word, and the LSTM's <b>gates</b> and cell size.
 * </ul>
 * The layer's states are recomputed here, in double precision, from its parameters (they equal DL4J's forward pass to
 * float rounding; {@code InspectorTest} checks it), since DL4J keeps neither the gates nor the step Jacobians.
 */
public final class Inspector {
    /** Units × words matrices are {@code [unit][word]}. {@code gates} and {@code cell} are the LSTM's only. */
    public record Inspection(List<String> words, String predicted, String target, double[] saliency, String factorsOf,
            double[] factors, double[] product, double[][] hidden, Gates gates, double[] cell, int layers) {}

    public record Gates(double[][] forget, double[][] input, double[][] output) {}

    private final TrainedModel trained;
    private final Network probe;
    private final Predictor predictor;

    /** {@code probe}: the same model with its gradient tap ({@link Network#withProbe}). */
    public Inspector(TrainedModel trained, Network probe) {
        this.trained = trained;
        this.probe = probe;
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
        double[] p = predictor.distribution(ids);
        int predicted = argmax(p);
        int followed = predicted;
        if (target != null && !target.isBlank()) {
            String word = trained.lowerCase() ? target.strip().toLowerCase(java.util.Locale.ROOT) : target.strip();
            if (!vocabulary.contains(word)) throw new SettingsException("target", "'" + target.strip() + "' is not a word this model knows");
            followed = vocabulary.id(word);
        }
        double[] saliency = saliency(ids, followed, vocabulary.size());
        Layer layer = firstLayer(embedded(ids));
        return new Inspection(words, vocabulary.word(predicted), vocabulary.word(followed), saliency,
                layer.gates == null ? "hidden" : "cell", layer.factors, layer.product, layer.hidden, layer.gates, layer.cell,
                trained.settings().layers);
    }

    /** ‖∂ log p(target at the last step)/∂x_t‖ per word: the cross-entropy's gradient on the embedded inputs. */
    private double[] saliency(List<Integer> ids, int target, int vocabularySize) {
        synchronized (probe.model) { // one model may serve several requests; DL4J's passes are not reentrant
            INDArray wordIds = predictor.features(ids);
            INDArray x = probe.embed(wordIds);
            int steps = ids.size();
            INDArray labels = Nd4j.zeros(x.dataType(), 1, vocabularySize, steps);
            labels.putScalar(new long[] {0, target, steps - 1}, 1.0);
            INDArray mask = Nd4j.zeros(x.dataType(), 1, steps);
            mask.putScalar(new long[] {0, steps - 1}, 1.0);
            // the loss at the last step is −log p(target): its gradient is −∂ log p/∂x, the same size
            INDArray gradient = probe.inputGradient(x, labels, mask);
            double[] norms = new double[steps];
            for (int t = 0; t < steps; t++) {
                norms[t] = gradient.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(t)).norm2Number().doubleValue();
            }
            return norms;
        }
    }

    /** The embedded words, [word][feature], in double. */
    private double[][] embedded(List<Integer> ids) {
        INDArray x;
        synchronized (trained.network().model) {
            x = trained.network().embed(predictor.features(ids));
        }
        double[][] out = new double[ids.size()][];
        for (int t = 0; t < out.length; t++) out[t] = x.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(t)).toDoubleVector();
        return out;
    }

    /** What the first recurrent layer did at each word. */
    private record Layer(double[][] hidden, Gates gates, double[] cell, double[] factors, double[] product) {}

    /** The first recurrent layer run forward over {@code x} ([word][feature]), with its step Jacobians. */
    private Layer firstLayer(double[][] x) {
        var model = trained.network().model;
        double[][] w = model.getParam("rnn1_W").toDoubleMatrix(), r = model.getParam("rnn1_RW").toDoubleMatrix();
        double[] b = model.getParam("rnn1_b").toDoubleVector();
        return trained.network().kind.isLstm() ? lstm(x, w, r, b) : simple(x, w, r, b, trained.network().kind);
    }

    /**
     * o_t = f(x_t W + o_{t−1} R + b); J_t = diag(f′(z_t)) Rᵀ. Only the slopes f′(z_t) are kept (n numbers a word), not
     * the n × n Jacobians: J_t is applied from them and R when needed, so a 1,024-wide layer over 200 words holds a
     * few megabytes, not gigabytes.
     */
    private static Layer simple(double[][] x, double[][] w, double[][] r, double[] b, ModelKind kind) {
        int n = b.length, steps = x.length;
        double[][] hidden = new double[n][steps], slopes = new double[steps][n];
        double[] previous = new double[n];
        for (int t = 0; t < steps; t++) {
            double[] z = affine(x[t], w, previous, r, b, 0, n);
            double[] o = new double[n];
            for (int i = 0; i < n; i++) {
                switch (kind) {
                    case RNN_RELU, IRNN -> {
                        o[i] = Math.max(0, z[i]);
                        slopes[t][i] = z[i] > 0 ? 1 : 0;
                    }
                    // DL4J's leaky ReLU: slope 0.01 below zero
                    case RNN_LEAKY -> {
                        o[i] = z[i] > 0 ? z[i] : 0.01 * z[i];
                        slopes[t][i] = z[i] > 0 ? 1 : 0.01;
                    }
                    default -> {
                        o[i] = Math.tanh(z[i]);
                        slopes[t][i] = 1 - o[i] * o[i];
                    }
                }
                hidden[i][t] = o[i];
            }
            previous = o;
        }
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
     * DL4J's LSTM: z = x_t W + h_{t−1} R + b in four blocks of n, [a | f | o | i] (LSTMHelpers' order): block input
     * a = tanh, forget f, output o and input i gates σ; c_t = f ⊙ c_{t−1} + i ⊙ a, h_t = o ⊙ tanh(c_t).
     */
    private static Layer lstm(double[][] x, double[][] w, double[][] r, double[] b) {
        int n = b.length / 4, steps = x.length;
        double[][] hidden = new double[n][steps], forget = new double[n][steps], input = new double[n][steps], output = new double[n][steps];
        double[] cellSize = new double[steps], factors = new double[steps], product = new double[steps];
        double[] h = new double[n], c = new double[n];
        double[][] f = new double[steps][];
        for (int t = 0; t < steps; t++) {
            double[] z = affine(x[t], w, h, r, b, 0, 4 * n);
            double[] nextH = new double[n], nextC = new double[n];
            f[t] = new double[n];
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double a = Math.tanh(z[i]), fg = sigmoid(z[n + i]), og = sigmoid(z[2 * n + i]), ig = sigmoid(z[3 * n + i]);
                nextC[i] = fg * c[i] + ig * a;
                nextH[i] = og * Math.tanh(nextC[i]);
                f[t][i] = fg;
                forget[i][t] = fg;
                input[i][t] = ig;
                output[i][t] = og;
                hidden[i][t] = nextH[i];
                squares += nextC[i] * nextC[i];
            }
            cellSize[t] = Math.sqrt(squares);
            factors[t] = max(f[t]);
            h = nextH;
            c = nextC;
        }
        // ∂c_T/∂c_t along the cell's path: the elementwise product of the forget gates after t
        double[] carried = new double[n];
        java.util.Arrays.fill(carried, 1);
        for (int t = steps - 1; t >= 0; t--) {
            product[t] = max(carried);
            for (int i = 0; i < n; i++) carried[i] *= f[t][i];
        }
        return new Layer(hidden, new Gates(forget, input, output), cellSize, factors, product);
    }

    /** x W + h R + b, columns [from, to). */
    private static double[] affine(double[] x, double[][] w, double[] h, double[][] r, double[] b, int from, int to) {
        double[] z = new double[to - from];
        for (int col = from; col < to; col++) {
            double s = b[col];
            for (int k = 0; k < x.length; k++) s += x[k] * w[k][col];
            for (int k = 0; k < h.length; k++) s += h[k] * r[k][col];
            z[col - from] = s;
        }
        return z;
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

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
