package lab.gradient.training.engine;

import java.util.Arrays;

/**
 * The model's forward pass and backward pass through time, written out: word ids → embedding x_t → L recurrent
 * layers → softmax over the vocabulary, and back. docs/training-engine.md reads it line by line beside the notes.
 *
 * <p>A simple RNN layer computes o_t = f(x_t·W_in + o_{t−1}·W_h + b), f = tanh, ReLU or leaky ReLU (the notes'
 * o_t = f(o_{t−1}·w + x_t·w_in)); the skip RNN's top layer reads o_{t−s} instead of o_{t−1} (the notes' "skip RNNs":
 * a word k steps back reaches the loss through about k/s factors). An LSTM layer computes four blocks from the same sum, in DeepLearning4J's column
 * order: z = tanh (the candidate), f = σ (forget), o = σ (output), i = σ (input); then c_t = f⊙c_{t−1} + i⊙z and
 * h_t = o⊙tanh(c_t).
 *
 * <p>Where the time goes, and why it is laid out so: every array is time-major, row r = t·B + b, so a whole
 * window's input projection x·W_in, the output projection and all weight gradients are one product each over the
 * T·B rows; only o_{t−1}·W_h (forward) and δ_t·W_hᵀ (backward) are left inside the loop over t, with each step's
 * non-linearity and its derivative in one pass beside them. Every array is allocated once, for the largest batch
 * and window; a step allocates nothing.
 *
 * <p>The parameters live in one flat array (and their gradients in another of the same layout), so an optimizer is
 * one loop: embedding [V×E]; per layer W_in [I×G·n], W_h [n×G·n], b [G·n] (G = 4 for the LSTM, else 1); W_out
 * [n×V'], b_out [V'] (V' = {@link #outputWidth}); each matrix row-major.
 */
public final class RecurrentEngine {
    /** DeepLearning4J's leaky ReLU slope for negative inputs, kept so both engines compute one model. */
    public static final float LEAKY_SLOPE = 0.01f;
    /** DeepLearning4J clips p to [1e−10, 1] before −log p: the same loss, even for a word given no chance at all. */
    static final double LOSS_FLOOR = Math.log(1e-10);

    public enum Cell { TANH, RELU, LEAKY_RELU, LSTM }

    public final Cell cell;
    public final int vocabulary, embedding, hidden, layers, gates;
    /** How far back the top layer's recurrence reads: 1, or the skip s of the skip RNN; every lower layer reads 1 back. */
    public final int topLag;
    /** The output's row width: the vocabulary rounded up to whole vector registers, its extra columns zero and unused. */
    public final int outputWidth;
    private final int maxBatch, maxSteps;
    private final Kernels kernels;

    public final float[] parameters;
    public final float[] gradient;
    /** Where each parameter starts in {@link #parameters} (and {@link #gradient}). */
    public final int embeddingAt, outputWeightsAt, outputBiasAt;
    public final int[] inputWeightsAt, recurrentWeightsAt, biasAt;

    // the batch: word ids and labels, time-major; a label of −1 is a step whose loss does not count
    private final int[] words, labels;
    private int batch, steps;

    // the forward pass, kept for the backward one
    private final float[] embedded;
    private final float[][] sums;       // per layer: x·W_in + o_{t−1}·W_h + b; the LSTM's gates after activation
    private final float[][] states;     // per layer: o_t (h_t)
    private final float[][] cells, cellTanh;
    private final float[] logits;       // then, after the loss: ∂L/∂logits = p − y on the counted steps
    private final float[] labelProbability; // p(label) of each counted step, kept apart (p − 1 in float loses a small p)

    // the backward pass
    private final float[] stateGradient, sumGradient, cellGradient, inputGradient;
    private final float[] transposedRecurrent, transposedInput, transposedOutput;
    private final float[] softmaxRow;

    public RecurrentEngine(Cell cell, int vocabulary, int embedding, int hidden, int layers, int topLag, int maxBatch, int maxSteps) {
        this(cell, vocabulary, embedding, hidden, layers, topLag, maxBatch, maxSteps, Kernels.FAST);
    }

    RecurrentEngine(Cell cell, int vocabulary, int embedding, int hidden, int layers, int topLag, int maxBatch, int maxSteps,
            Kernels kernels) {
        if (topLag < 1 || topLag > 1 && cell == Cell.LSTM) throw new IllegalArgumentException("a skip in time of " + topLag + " for " + cell);
        this.cell = cell;
        this.topLag = topLag;
        this.vocabulary = vocabulary;
        this.embedding = embedding;
        this.hidden = hidden;
        this.layers = layers;
        this.gates = cell == Cell.LSTM ? 4 : 1;
        this.maxBatch = maxBatch;
        this.maxSteps = maxSteps;
        this.kernels = kernels;
        this.outputWidth = (vocabulary + kernels.lanes() - 1) / kernels.lanes() * kernels.lanes();
        int gn = gates * hidden;
        int at = 0;
        embeddingAt = at;
        at += vocabulary * embedding;
        inputWeightsAt = new int[layers];
        recurrentWeightsAt = new int[layers];
        biasAt = new int[layers];
        for (int l = 0; l < layers; l++) {
            inputWeightsAt[l] = at;
            at += inputSize(l) * gn;
            recurrentWeightsAt[l] = at;
            at += hidden * gn;
            biasAt[l] = at;
            at += gn;
        }
        outputWeightsAt = at;
        at += hidden * outputWidth;
        outputBiasAt = at;
        at += outputWidth;
        parameters = new float[at];
        gradient = new float[at];

        int rows = maxBatch * maxSteps;
        words = new int[rows];
        labels = new int[rows];
        embedded = new float[rows * embedding];
        sums = new float[layers][rows * gn];
        states = new float[layers][rows * hidden];
        cells = cell == Cell.LSTM ? new float[layers][rows * hidden] : null;
        cellTanh = cell == Cell.LSTM ? new float[layers][rows * hidden] : null;
        logits = new float[rows * outputWidth];
        labelProbability = new float[rows];
        stateGradient = new float[rows * hidden];
        sumGradient = new float[rows * gn];
        cellGradient = cell == Cell.LSTM ? new float[maxBatch * hidden] : null;
        inputGradient = new float[rows * embedding];
        transposedRecurrent = new float[gn * hidden];
        transposedInput = new float[gn * Math.max(embedding, hidden)];
        transposedOutput = new float[outputWidth * hidden];
        softmaxRow = new float[outputWidth];
    }

    public int inputSize(int layer) {
        return layer == 0 ? embedding : hidden;
    }

    /** How many steps back layer l's recurrence reads. */
    int lag(int layer) {
        return layer == layers - 1 ? topLag : 1;
    }

    /** Floats the engine holds for a model of this size, for pricing a run's memory before it starts. */
    public static long floats(Cell cell, int vocabulary, int embedding, int hidden, int layers, int maxBatch, int maxSteps) {
        int g = cell == Cell.LSTM ? 4 : 1;
        long rows = (long) maxBatch * maxSteps;
        long params = (long) vocabulary * embedding + (long) (hidden + 1) * (vocabulary + 16)
                + (long) layers * ((long) Math.max(embedding, hidden) * g * hidden + (long) hidden * g * hidden + g * hidden);
        long perRow = embedding * 2L + (long) layers * (g + 1 + (g == 4 ? 2 : 0)) * hidden + vocabulary + 17 + hidden + (long) g * hidden;
        return 2 * params + rows * perRow;
    }

    /** Starts loading a batch of {@code windows} windows, the longest {@code steps} long; then {@link #window} each. */
    public void startBatch(int windows, int steps) {
        if (windows > maxBatch || steps > maxSteps) {
            throw new IllegalArgumentException("batch " + windows + "×" + steps + " exceeds " + maxBatch + "×" + maxSteps);
        }
        batch = windows;
        this.steps = steps;
    }

    /**
     * Window b: its words at column b, padded with word 0 after a shorter window (those steps come after every counted
     * one, so nothing flows back from them); the losses of steps {@code firstCounted} … {@code lastCounted} count.
     */
    public void window(int b, int[] inputs, int[] nextWords, int firstCounted, int lastCounted) {
        for (int s = 0; s < steps; s++) {
            int r = s * batch + b;
            boolean real = s < inputs.length;
            words[r] = real ? inputs[s] : 0;
            labels[r] = real && s >= firstCounted && s <= lastCounted ? nextWords[s] : -1;
        }
    }

    public int batch() {
        return batch;
    }

    /** The most windows one batch may hold. */
    public int maxBatch() {
        return maxBatch;
    }

    public int steps() {
        return steps;
    }

    /** The loaded batch's loss, Σ −log p(next word) over its counted steps, and every gradient of it into {@link #gradient}. */
    public double lossAndGradient() {
        double loss = forward();
        backward();
        return loss;
    }

    /** The forward pass: Σ over counted steps of −log p(label); leaves ∂L/∂logits in {@link #logits}. */
    public double forward() {
        int rows = batch * steps;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(parameters, embeddingAt + words[r] * embedding, embedded, r * embedding, embedding);
        }
        float[] input = embedded;
        for (int l = 0; l < layers; l++) {
            forwardLayer(l, input);
            input = states[l];
        }
        // one product for the whole window's output: logits = o·W_out + b_out
        kernels.multiply(input, 0, parameters, outputWeightsAt, logits, 0, rows, hidden, outputWidth);
        addBias(logits, 0, rows, outputWidth, outputBiasAt);
        double loss = 0;
        for (int r = 0; r < rows; r++) loss += softmaxCrossEntropy(r);
        return loss;
    }

    private void forwardLayer(int l, float[] input) {
        inputShare(l, input, 0, batch * steps);
        for (int t = 0; t < steps; t++) recurrentStep(l, t);
    }

    /** The input's share of rows [first, first + rows) at once: x·W_in + b (a whole window's in one product). */
    private void inputShare(int l, float[] input, int first, int rows) {
        int gn = gates * hidden;
        kernels.multiply(input, first * inputSize(l), parameters, inputWeightsAt[l], sums[l], first * gn, rows, inputSize(l), gn);
        addBias(sums[l], first, rows, gn, biasAt[l]);
    }

    /** Step t of layer l: the recurrence, the one product per step, + o_{t−lag}·W_h (o before the first step = 0); then f. */
    private void recurrentStep(int l, int t) {
        int gn = gates * hidden, at = t * batch, lag = lag(l);
        float[] sum = sums[l], state = states[l];
        if (t >= lag) kernels.multiplyAdd(state, (at - lag * batch) * hidden, hidden, 1, parameters, recurrentWeightsAt[l], sum, at * gn, batch, hidden, gn);
        if (cell == Cell.LSTM) lstmStep(l, t);
        else activate(sum, at * hidden, state, at * hidden, batch * hidden);
    }

    /** o = f(sum) for the simple RNN's f. */
    private void activate(float[] sum, int from, float[] out, int to, int length) {
        switch (cell) {
            case TANH -> kernels.tanh(sum, from, out, to, length);
            case RELU -> {
                for (int i = 0; i < length; i++) out[to + i] = Math.max(sum[from + i], 0f);
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < length; i++) {
                    float s = sum[from + i];
                    out[to + i] = s > 0 ? s : LEAKY_SLOPE * s;
                }
            }
            case LSTM -> throw new IllegalStateException();
        }
    }

    /** The LSTM's step t: the four blocks activated in place, then c_t = f⊙c_{t−1} + i⊙z and h_t = o⊙tanh(c_t). */
    private void lstmStep(int l, int t) {
        int n = hidden, gn = 4 * n;
        float[] g = sums[l], c = cells[l], tc = cellTanh[l], h = states[l];
        for (int b = 0; b < batch; b++) {
            int row = (t * batch + b);
            int gAt = row * gn;
            kernels.tanh(g, gAt, g, gAt, n);                 // z
            kernels.sigmoid(g, gAt + n, g, gAt + n, 3 * n);  // f, o, i
            int cAt = row * n, previous = (row - batch) * n;
            for (int j = 0; j < n; j++) {
                float z = g[gAt + j], f = g[gAt + n + j], i = g[gAt + 3 * n + j];
                c[cAt + j] = (t > 0 ? f * c[previous + j] : 0f) + i * z;
            }
            kernels.tanh(c, cAt, tc, cAt, n);
            for (int j = 0; j < n; j++) h[cAt + j] = g[gAt + 2 * n + j] * tc[cAt + j];
        }
    }

    /** Row r's −log p(label) (0 if it does not count), and ∂/∂logits = p − onehot(label) in its place. */
    private double softmaxCrossEntropy(int r) {
        int at = r * outputWidth;
        int label = labels[r];
        Arrays.fill(logits, at + vocabulary, at + outputWidth, 0f);
        if (label < 0) {
            Arrays.fill(logits, at, at + vocabulary, 0f);
            return 0;
        }
        float max = rowMax(at);
        double shifted = logits[at + label] - max;
        double sum = exponentials(at, max);
        float inverse = (float) (1 / sum);
        for (int v = 0; v < vocabulary; v++) logits[at + v] = softmaxRow[v] * inverse;
        labelProbability[r] = logits[at + label];
        logits[at + label] -= 1f;
        return -Math.max(shifted - Math.log(sum), LOSS_FLOOR);
    }

    /** The largest logit of the row at {@code at}: subtracted before exp, so that no e^x overflows. */
    private float rowMax(int at) {
        float max = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < vocabulary; v++) max = Math.max(max, logits[at + v]);
        return max;
    }

    /** e^(logit − max) of the row at {@code at} into {@link #softmaxRow}; returns their sum over the vocabulary. */
    private double exponentials(int at, float max) {
        for (int v = 0; v < vocabulary; v++) softmaxRow[v] = logits[at + v] - max;
        // exp over whole registers (a scalar tail took a quarter of a small model's step): the padding's columns are
        // computed from zeros and left out of the sum
        Arrays.fill(softmaxRow, vocabulary, outputWidth, 0f);
        kernels.exp(softmaxRow, 0, softmaxRow, 0, outputWidth);
        double sum = 0;
        for (int v = 0; v < vocabulary; v++) sum += softmaxRow[v];
        return sum;
    }

    /**
     * Reading word by word, for a prediction or a generated continuation: one window (a batch of 1) whose state carries
     * from word to word, as DL4J's {@code rnnTimeStep} carries it. Starts from the zero state.
     */
    public void startReading() {
        batch = 1;
        steps = 0;
    }

    /**
     * Reads the next word: every layer's step on it, in the order of the forward pass; writes p(the word after it) over
     * the vocabulary into {@code p}. Past {@code maxSteps} words the oldest steps are dropped, keeping the states the next
     * step reads, so a continuation may run longer than a window.
     */
    public void read(int word, float[] p) {
        if (steps == maxSteps) forgetOldestSteps();
        int t = steps++;
        words[t] = word;
        labels[t] = -1;
        System.arraycopy(parameters, embeddingAt + word * embedding, embedded, t * embedding, embedding);
        float[] input = embedded;
        for (int l = 0; l < layers; l++) {
            inputShare(l, input, t, 1);
            recurrentStep(l, t);
            input = states[l];
        }
        int at = t * outputWidth;
        kernels.multiply(input, t * hidden, parameters, outputWeightsAt, logits, at, 1, hidden, outputWidth);
        addBias(logits, t, 1, outputWidth, outputBiasAt);
        double sum = exponentials(at, rowMax(at));
        for (int v = 0; v < vocabulary; v++) p[v] = (float) (softmaxRow[v] / sum);
    }

    /** Keeps the last {@link #topLag} steps as steps 0 … lag − 1: all the next step reads (o_{t−lag}, the LSTM's c_{t−1}). */
    private void forgetOldestSteps() {
        int from = steps - topLag;
        for (int l = 0; l < layers; l++) {
            System.arraycopy(states[l], from * hidden, states[l], 0, topLag * hidden);
            if (cells != null) System.arraycopy(cells[l], from * hidden, cells[l], 0, topLag * hidden);
        }
        steps = topLag;
    }

    /** The backward pass through time, from ∂L/∂logits: every parameter's gradient, and ∂L/∂x_t in {@link #inputGradient()}. */
    public void backward() {
        Arrays.fill(gradient, 0f);
        int rows = batch * steps, top = layers - 1;
        // the output layer: ∂W_out = oᵀ·δ, ∂b_out = Σ δ, and what reaches the top layer's states: δ·W_outᵀ
        kernels.addTransposedProduct(states[top], 0, logits, 0, gradient, outputWeightsAt, hidden, rows, outputWidth);
        addColumnSums(logits, rows, outputWidth, outputBiasAt);
        Kernels.transpose(parameters, outputWeightsAt, hidden, outputWidth, transposedOutput);
        kernels.multiply(logits, 0, transposedOutput, 0, stateGradient, 0, rows, outputWidth, hidden);
        for (int l = top; l >= 0; l--) {
            backwardLayer(l, l == 0 ? embedded : states[l - 1]);
            // what reaches the layer below (or the inputs x_t): δ·W_inᵀ
            int in = inputSize(l), gn = gates * hidden;
            Kernels.transpose(parameters, inputWeightsAt[l], in, gn, transposedInput);
            kernels.multiply(sumGradient, 0, transposedInput, 0, l == 0 ? inputGradient : stateGradient, 0, rows, gn, in);
        }
        // the embedding: each step's ∂L/∂x_t goes to its word's row
        for (int r = 0; r < rows; r++) {
            int to = embeddingAt + words[r] * embedding, from = r * embedding;
            for (int e = 0; e < embedding; e++) gradient[to + e] += inputGradient[from + e];
        }
    }

    /**
     * Layer l back through time, from ∂L/∂o_t in {@link #stateGradient}. Going backwards, step t's row there is complete
     * (what came from above, and from the steps that read o_t: δ_{t+lag}·W_hᵀ, the notes' factor ∂o_{t+1}/∂o_t); it is
     * multiplied by f′, and δ_t·W_hᵀ is added to the row of the step it read, t − lag. The weight gradients after, in one
     * product each.
     */
    private void backwardLayer(int l, float[] input) {
        int n = hidden, gn = gates * n, rows = batch * steps, lag = lag(l);
        Kernels.transpose(parameters, recurrentWeightsAt[l], n, gn, transposedRecurrent);
        if (cellGradient != null) Arrays.fill(cellGradient, 0, batch * n, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            int at = t * batch;
            if (cell == Cell.LSTM) lstmBackStep(l, t);
            else simpleBackStep(l, at);
            // ∂L/∂o_{t−lag} from this step: δ_t·W_hᵀ
            if (t >= lag) kernels.multiplyAdd(sumGradient, at * gn, gn, 1, transposedRecurrent, 0, stateGradient, (at - lag * batch) * n, batch, gn, n);
        }
        kernels.addTransposedProduct(input, 0, sumGradient, 0, gradient, inputWeightsAt[l], inputSize(l), rows, gn);
        // ∂W_h = Σ_t o_{t−lag}ᵀ·δ_t: the states of steps 0…T−1−lag against the deltas of steps lag…T−1, one product
        if (rows > lag * batch) {
            kernels.addTransposedProduct(states[l], 0, sumGradient, lag * batch * gn, gradient, recurrentWeightsAt[l], n, rows - lag * batch, gn);
        }
        addColumnSums(sumGradient, rows, gn, biasAt[l]);
    }

    /** δ_t = ∂L/∂o_t ⊙ f′(sum_t), ∂L/∂o_t holding what came back from the later steps too. */
    private void simpleBackStep(int l, int at) {
        int n = hidden, from = at * n;
        float[] sum = sums[l], state = states[l];
        for (int i = 0; i < batch * n; i++) {
            float dOut = stateGradient[from + i];
            float slope = switch (cell) {
                case TANH -> 1 - state[from + i] * state[from + i];
                case RELU -> sum[from + i] > 0 ? 1f : 0f;
                default -> sum[from + i] > 0 ? 1f : LEAKY_SLOPE;
            };
            sumGradient[from + i] = dOut * slope;
        }
    }

    /**
     * The LSTM's step t backwards. With dh = ∂L/∂h_t (from above and from step t+1, both in its row of stateGradient):
     * dc = dh⊙o⊙(1 − tanh²c) + (dc from t+1)⊙f_{t+1}; then each block's pre-activation gradient,
     * dz = dc⊙i⊙(1 − z²), df = dc⊙c_{t−1}⊙f(1 − f), do = dh⊙tanh c⊙o(1 − o), di = dc⊙z⊙i(1 − i).
     */
    private void lstmBackStep(int l, int t) {
        int n = hidden, gn = 4 * n;
        float[] g = sums[l], c = cells[l], tc = cellTanh[l];
        for (int b = 0; b < batch; b++) {
            int row = t * batch + b, gAt = row * gn, cAt = row * n, previous = (row - batch) * n, bn = b * n;
            for (int j = 0; j < n; j++) {
                float z = g[gAt + j], f = g[gAt + n + j], o = g[gAt + 2 * n + j], i = g[gAt + 3 * n + j];
                float tanhC = tc[cAt + j];
                float dh = stateGradient[cAt + j];
                float dc = dh * o * (1 - tanhC * tanhC) + cellGradient[bn + j];
                float cPrevious = t > 0 ? c[previous + j] : 0f;
                sumGradient[gAt + j] = dc * i * (1 - z * z);
                sumGradient[gAt + n + j] = dc * cPrevious * f * (1 - f);
                sumGradient[gAt + 2 * n + j] = dh * tanhC * o * (1 - o);
                sumGradient[gAt + 3 * n + j] = dc * z * i * (1 - i);
                cellGradient[bn + j] = dc * f;
            }
        }
    }

    private void addBias(float[] rowsOf, int first, int rows, int width, int bias) {
        for (int r = first; r < first + rows; r++) {
            int at = r * width;
            for (int j = 0; j < width; j++) rowsOf[at + j] += parameters[bias + j];
        }
    }

    private void addColumnSums(float[] rowsOf, int rows, int width, int into) {
        for (int r = 0; r < rows; r++) {
            int at = r * width;
            for (int j = 0; j < width; j++) gradient[into + j] += rowsOf[at + j];
        }
    }

    /** After {@link #forward}: p(word) at row r = t·B + b, a counted step's softmax. */
    public float probability(int row, int word) {
        return word == labels[row] ? labelProbability[row] : logits[row * outputWidth + word];
    }

    /** ∂L/∂x_t of the last backward pass, [T × B × E]: row t·B + b is window b's embedded word at step t. */
    public float[] inputGradient() {
        return inputGradient;
    }

    /** Layer l's states o_t of the last forward pass, [T × B × n]. */
    public float[] states(int layer) {
        return states[layer];
    }

    /** Layer l's LSTM cell states c_t of the last forward pass, [T × B × n]. */
    public float[] cells(int layer) {
        if (cell != Cell.LSTM) throw new IllegalStateException("only an LSTM has a cell state");
        return cells[layer];
    }

    /** Layer l's four LSTM blocks z, f, o, i after activation, [T × B × 4n], of the last forward pass. */
    public float[] gateActivations(int layer) {
        if (cell != Cell.LSTM) throw new IllegalStateException("only an LSTM has gates");
        return sums[layer];
    }
}
