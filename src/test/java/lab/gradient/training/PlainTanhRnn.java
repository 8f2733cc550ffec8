package lab.gradient.training;

/**
 * The notes' vanilla RNN on one screen, in plain double-precision Java (no DL4J), in the spirit of Karpathy's
 * min-char-rnn: the oracle the gradient-flow probe is checked against, and the page to read for the math.
 *
 * <pre>
 *   forward   o_t = tanh(W_in x_t + W_h o_{t−1} + b)          (o_0 = 0)
 *             ŷ   = softmax(W_out o_T + c),   L = −log ŷ[answer]
 *   backward  ∂L/∂o_T        = W_outᵀ (ŷ − e_answer)
 *             ∂o_t/∂o_{t−1}  = diag(1 − o_t²) W_h                  (the notes' factor)
 *             ∂L/∂x_{T−k}    = W_inᵀ diag(1 − o_{T−k}²) (∏_{t=T−k+1}^{T} ∂o_t/∂o_{t−1})ᵀ ∂L/∂o_T
 * </pre>
 * Weights are in the column-vector convention above; DL4J stores their transposes (it computes x·W), which
 * {@link #fromDl4j} undoes.
 */
final class PlainTanhRnn {
    final double[][] wIn, wH, wOut;
    final double[] b, c;

    PlainTanhRnn(double[][] wIn, double[][] wH, double[] b, double[][] wOut, double[] c) {
        this.wIn = wIn; this.wH = wH; this.b = b; this.wOut = wOut; this.c = c;
    }

    /** From DL4J's row-vector matrices: W [E, H], RW [H, H], out W [H, V]. */
    static PlainTanhRnn fromDl4j(double[][] w, double[][] rw, double[] b, double[][] outW, double[] outB) {
        return new PlainTanhRnn(transpose(w), transpose(rw), b, transpose(outW), outB);
    }

    /** The hidden states o_1 … o_T for inputs x_1 … x_T (x[t] is the embedded word at step t). */
    double[][] forward(double[][] x) {
        double[][] o = new double[x.length][];
        double[] previous = new double[b.length];
        for (int t = 0; t < x.length; t++) {
            double[] z = add(add(times(wIn, x[t]), times(wH, previous)), b);
            o[t] = new double[z.length];
            for (int i = 0; i < z.length; i++) o[t][i] = Math.tanh(z[i]);
            previous = o[t];
        }
        return o;
    }

    /** ∂L/∂o_T for the loss at the last step: W_outᵀ (ŷ − e_answer). */
    double[] lossGradientAtLastState(double[] lastState, int answer) {
        double[] logits = add(times(wOut, lastState), c);
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : logits) max = Math.max(max, v);
        double[] y = new double[logits.length];
        for (int i = 0; i < y.length; i++) sum += y[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < y.length; i++) y[i] /= sum;
        y[answer] -= 1;
        return times(transpose(wOut), y);
    }

    /** The notes' factor ∂o_t/∂o_{t−1} = diag(1 − o_t²) W_h. */
    double[][] factor(double[] ot) {
        double[][] j = new double[wH.length][wH.length];
        for (int r = 0; r < j.length; r++) for (int col = 0; col < j.length; col++) j[r][col] = (1 - ot[r] * ot[r]) * wH[r][col];
        return j;
    }

    /** ‖∂L_T/∂x_{T−k}‖ for k = 0 … T−1, written as the product of factors, each k formed on its own. */
    double[] gradientFlowByProduct(double[][] x, int answer) {
        double[][] o = forward(x);
        int steps = x.length;
        double[] dLdoT = lossGradientAtLastState(o[steps - 1], answer);
        double[] g = new double[steps];
        for (int k = 0; k < steps; k++) {
            double[][] product = identity(wH.length);       // ∏_{t=T−k+1}^{T} ∂o_t/∂o_{t−1}, left to right from T
            for (int t = steps - 1; t > steps - 1 - k; t--) product = times(product, factor(o[t]));
            double[] dLdo = times(transpose(product), dLdoT); // ∂L/∂o_{T−k}
            double[] dLdz = new double[dLdo.length];
            for (int i = 0; i < dLdz.length; i++) dLdz[i] = dLdo[i] * (1 - o[steps - 1 - k][i] * o[steps - 1 - k][i]);
            g[k] = norm(times(transpose(wIn), dLdz));
        }
        return g;
    }

    /** The same by backpropagation through time, one factor per step: what a framework does. */
    double[] gradientFlowByBackprop(double[][] x, int answer) {
        double[][] o = forward(x);
        int steps = x.length;
        double[] dLdo = lossGradientAtLastState(o[steps - 1], answer);
        double[] g = new double[steps];
        for (int t = steps - 1; t >= 0; t--) {
            double[] dLdz = new double[dLdo.length];
            for (int i = 0; i < dLdz.length; i++) dLdz[i] = dLdo[i] * (1 - o[t][i] * o[t][i]);
            g[steps - 1 - t] = norm(times(transpose(wIn), dLdz));
            dLdo = times(transpose(wH), dLdz);
        }
        return g;
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) t[j][i] = m[i][j];
        return t;
    }

    static double[] times(double[][] m, double[] v) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < v.length; j++) out[i] += m[i][j] * v[j];
        return out;
    }

    static double[][] times(double[][] a, double[][] m) {
        double[][] out = new double[a.length][m[0].length];
        for (int i = 0; i < a.length; i++) for (int k = 0; k < m.length; k++) for (int j = 0; j < m[0].length; j++) out[i][j] += a[i][k] * m[k][j];
        return out;
    }

    static double[] add(double[] a, double[] v) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) out[i] += v[i];
        return out;
    }

    static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) m[i][i] = 1;
        return m;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
