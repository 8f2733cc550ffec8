package lab.gradient.training;

import java.util.Locale;

/**
 * What one run asks of a worker, estimated before it is accepted: time for each piece of work a worker cannot stop
 * in the middle of (a training step, a gradient-flow probe with its spectrum, an evaluation), and memory.
 * FLOPs count the matrix products only, forward and backward (3 × 2 × multiply-adds per token, the count of
 * docs/benchmarks.md): per token and layer g·H·(E_in + H) multiply-adds (g = 4 gates for the LSTM, 1 otherwise), and
 * H·V for the softmax over the vocabulary. Our engine ({@link lab.gradient.training.engine.RecurrentEngine}) does
 * the steps, probes and evaluations at its own rate; DL4J does the first step's gradient check and the x-ray's passes at
 * its rate plus a fixed cost per layer and time step of each pass. A probe is a forward and backward pass over its {@link TrainingData#PROBE_WINDOWS} windows plus LAPACK's
 * eigen- and singular values of every recurrent matrix; an evaluation is a forward pass over the validation windows.
 * Every rate below was measured on this 2-core machine; {@code CostBenchmark} checks each estimate against the
 * measured seconds on the largest models the check accepts (within 2×).
 *
 * @param stepSeconds one training step (batch × window tokens, forward and backward)
 * @param flopsPerIteration matrix-product FLOPs of one training step
 * @param bytes float32 parameters with their gradients and Adam's two moments, DL4J's activations for the check's
 *     batch, and our engine's arrays
 * @param heapBytes the part of {@code bytes} on the Java heap: our engine's arrays (the rest is ND4J's native memory)
 * @param probeSeconds one gradient-flow probe and spectrum
 * @param evaluationSeconds one pass over the validation windows
 * @param checkSeconds the first step's check of the engine's gradients: DL4J's and the engine's passes over at most
 *     {@link Network#CHECK_WINDOWS} windows
 * @param amortizedSecondsPerIteration a step plus its share of the probes (one every {@code probeEvery} steps) and of
 *     the evaluations (one per epoch)
 */
public record Cost(double stepSeconds, double flopsPerIteration, double bytes, double heapBytes, double probeSeconds,
        double evaluationSeconds, double checkSeconds, double amortizedSecondsPerIteration) {
    /**
     * DL4J's matrix work on one core (the first step's check, the x-ray's passes): 26–33 GFLOP/s measured on the largest
     * accepted models' steps here (CostBenchmark); the budget assumes less, so that a second run on the other core fits.
     */
    static final double WORKER_GFLOPS = 20;
    /**
     * Our engine's whole step on one core: 36–44 GFLOP/s measured on the largest accepted models' steps here
     * (CostBenchmark, Vector API kernels); the budget assumes less, for a second run on the other core and the plain
     * kernels' slower products on a JVM without the Vector API.
     */
    static final double ENGINE_GFLOPS = 30;
    /** The engine's element-wise work per layer and time step that the products do not count (its loops, the softmax's). */
    static final double ENGINE_STEP_OVERHEAD_SECONDS = 10e-6;
    /** Per parameter and step: copying parameters into the engine and its gradient back, and DL4J's updater (Adam's moments). */
    static final double UPDATE_SECONDS_PER_PARAMETER = 4e-9;
    /**
     * What DL4J spends per recurrent layer and time step of a forward and backward pass whatever the sizes (its per-step
     * native calls), measured on 16-unit models with 200-step windows.
     */
    static final double DL4J_STEP_OVERHEAD_SECONDS = 0.0003;
    /**
     * Seconds per n³ of one n × n recurrent matrix's spectrum (LAPACK dgeev and dgesdd, values only, in double): 1.2 s
     * once measured for n = 1,024; the probes of the largest accepted runs measured less since (CostBenchmark), so 1.0.
     */
    static final double SPECTRUM_SECONDS_PER_CUBE = 1.0 / (1024.0 * 1024 * 1024);
    /**
     * Seconds per n³ of one word of a simple RNN's x-ray: σ_max of its step Jacobian and of the running product (LAPACK
     * dgesdd, values only) and the product's n × n × n update (dgemm), in double.
     */
    static final double XRAY_SECONDS_PER_CUBE = 0.6 / (1024.0 * 1024 * 1024);
    /** A run must be able to do at least this many steps in its time budget to be worth a worker. */
    public static final int MIN_ITERATIONS_IN_BUDGET = 100;

    /**
     * What one run may ask of this server (its {@code --max-step-seconds} and {@code --max-run-memory}).
     *
     * @param maxSecondsPerStep a step, a probe or an evaluation at most this long, so cancel, the time budget and
     *     shutdown act within seconds; the sentence x-ray too (it answers a request)
     * @param maxBytes the most one run may need: the heap and ND4J's native memory hold a few runs at once
     * @param maxHeapBytes the most of it on the Java heap (our engine's arrays): a quarter of the heap, since two
     *     workers train at once and the web server, its sessions and the run records live there too
     */
    public record Limits(double maxSecondsPerStep, double maxBytes, double maxHeapBytes) {
        public static final Limits DEFAULT = new Limits(2, 1L << 30);

        public Limits {
            if (!(maxSecondsPerStep > 0) || !(maxBytes > 0) || !(maxHeapBytes > 0)) {
                throw new IllegalArgumentException("cost limits must be positive");
            }
        }

        public Limits(double maxSecondsPerStep, double maxBytes) {
            this(maxSecondsPerStep, maxBytes, Runtime.getRuntime().maxMemory() / 4.0);
        }
    }

    /** The matrix multiply-adds of one token through every layer and the output: what every pass's cost is made of. */
    private record PerToken(double recurrentMacs, double outputMacs, double parameters, double activations) {
        static PerToken of(ModelKind kind, TrainingSettings s, int vocabulary) {
            int gates = kind.isLstm() ? 4 : 1;
            double recurrentMacs = 0, params = 0;
            int in = s.embedding;
            for (int l = 0; l < s.layers; l++) {
                recurrentMacs += (double) gates * s.hidden * (in + s.hidden);
                params += (double) gates * s.hidden * (in + s.hidden + 1);
                in = s.hidden;
            }
            double outputMacs = (double) s.hidden * vocabulary;
            params += (double) vocabulary * s.embedding + outputMacs + vocabulary;
            // each layer's gates, cell and state kept for the backward pass (~4 values per gate unit), and the output's
            // logits, softmax and their gradient (3 values per word of the vocabulary)
            return new PerToken(recurrentMacs, outputMacs, params, s.layers * gates * s.hidden * 4.0 + 3.0 * vocabulary);
        }

        double macs() {
            return recurrentMacs + outputMacs;
        }
    }

    /** What our engine holds on the Java heap for this run: its arrays for the largest batch and window. */
    private static double engineFloats(ModelKind kind, TrainingSettings s, int vocabulary) {
        return lab.gradient.training.engine.RecurrentEngine.floats(EngineBinding.cellOf(kind), vocabulary, s.embedding, s.hidden,
                s.layers, Math.max(s.batch, TrainingData.PROBE_WINDOWS), s.window);
    }

    /** The cost of training {@code kind} with settings {@code s} on {@code data} (its vocabulary, probe and validation windows). */
    public static Cost of(ModelKind kind, TrainingSettings s, TrainingData data) {
        int vocabulary = data.vocabulary.size();
        PerToken token = PerToken.of(kind, s, vocabulary);
        double stepTokens = (double) s.batch * s.window, layerSteps = (double) s.layers * s.window;
        double stepFlops = 6 * token.macs() * stepTokens;
        double step = engineSeconds(stepFlops) + layerSteps * ENGINE_STEP_OVERHEAD_SECONDS + token.parameters() * UPDATE_SECONDS_PER_PARAMETER;
        int checkWindows = Math.min(s.batch, Network.CHECK_WINDOWS);
        // DL4J's pass over those windows at its budgeted rate: with the engine's pass over the same windows beside it,
        // the whole check measured 0.5–1× this on the largest accepted runs (CostBenchmark)
        double checkFlops = 6 * token.macs() * checkWindows * s.window;
        double check = nominalSeconds(checkFlops) + layerSteps * DL4J_STEP_OVERHEAD_SECONDS;
        double probe = 0;
        if (!data.probe.isEmpty()) {
            probe = engineSeconds(6 * token.macs() * data.probe.size() * (double) s.window) + layerSteps * ENGINE_STEP_OVERHEAD_SECONDS;
        }
        // every probe takes the spectrum of each recurrent matrix (the LSTM's four blocks each), with or without windows
        probe += s.layers * (kind.isLstm() ? 4 : 1) * Math.pow(s.hidden, 3) * SPECTRUM_SECONDS_PER_CUBE;
        double validationTokens = data.validation.stream().mapToInt(TrainingData.Window::length).sum();
        int engineBatch = Math.max(s.batch, TrainingData.PROBE_WINDOWS);
        int evaluationBatches = (data.validation.size() + engineBatch - 1) / engineBatch;
        double evaluation = engineSeconds(2 * token.macs() * validationTokens) + evaluationBatches * layerSteps * ENGINE_STEP_OVERHEAD_SECONDS;
        // DL4J's activations for the one batch it passes: the check's (the engine's arrays are counted apart)
        double heldTokens = (double) checkWindows * s.window;
        double heapBytes = 4 * engineFloats(kind, s, vocabulary);
        double bytes = 4 * (4 * token.parameters() + heldTokens * token.activations()) + heapBytes;
        int perEpoch = Math.max(1, (data.train.size() + s.batch - 1) / s.batch);
        double amortized = step + probe / s.probeEvery + evaluation / perEpoch;
        return new Cost(step, stepFlops, bytes, heapBytes, probe, evaluation, check, amortized);
    }

    /**
     * Seconds the sentence x-ray of {@code words} words takes: our engine's passes over one sentence (the prediction read
     * word by word, then the saliency's forward and backward pass: 4 multiply-adds a parameter and word, priced at half
     * the engine's rate, since one sentence's rows fill no 4-row register tile), and for a
     * simple RNN, per word, σ_max of its step Jacobian and of the running product J_T ⋯ J_{t+1} and the product's update:
     * three n³ operations a word (the LSTM's cell path needs only its forget gates).
     */
    public static double inspectionSeconds(ModelKind kind, TrainingSettings s, int vocabulary, int words) {
        PerToken token = PerToken.of(kind, s, vocabulary);
        double passes = 2 * engineSeconds(2 * 4 * token.macs() * words) + 3.0 * s.layers * words * ENGINE_STEP_OVERHEAD_SECONDS;
        double jacobians = kind.isLstm() ? 0 : words * Math.pow(s.hidden, 3) * XRAY_SECONDS_PER_CUBE;
        return passes + jacobians;
    }

    /** One training step: the engine's matrix work, its per-step loops and the optimizer's step. */
    public double secondsPerIteration() {
        return stepSeconds;
    }

    /** How long this much of our engine's matrix work takes at the rate the budget assumes ({@value #ENGINE_GFLOPS} GFLOP/s). */
    static double engineSeconds(double flops) {
        return flops / (ENGINE_GFLOPS * 1e9);
    }

    /** How long this much of DL4J's matrix work takes at the rate the budget assumes ({@value #WORKER_GFLOPS} GFLOP/s). */
    public static double nominalSeconds(double flops) {
        return flops / (WORKER_GFLOPS * 1e9);
    }

    /**
     * Refuses a run a worker cannot do: a step, probe or evaluation too long to stop within seconds, too few steps in
     * the time budget, or more memory than one run may take. The field named is the arm's {@code hidden}, the setting
     * that matters most.
     */
    public void require(String field, int budgetSeconds, Limits limits) {
        double step = secondsPerIteration(), most = limits.maxSecondsPerStep();
        String smaller = ": make hidden, layers, window, batch or the vocabulary (maxVocab) smaller";
        if (step > most || amortizedSecondsPerIteration * MIN_ITERATIONS_IN_BUDGET > budgetSeconds) {
            throw new SettingsException(field, String.format(Locale.ROOT, "one training step would take about %.1f s on this server "
                    + "(%.1f s with its share of the probes and evaluations; at most %.1f s, and %d steps must fit in the %d s a run may train)"
                    + smaller, step, amortizedSecondsPerIteration, Math.min(most, (double) budgetSeconds / MIN_ITERATIONS_IN_BUDGET),
                    MIN_ITERATIONS_IN_BUDGET, budgetSeconds));
        }
        if (probeSeconds > most) {
            throw new SettingsException(field, String.format(Locale.ROOT, "one gradient-flow probe (with the recurrent matrices' "
                    + "spectrum) would take about %.1f s on this server, at most %.1f s" + smaller, probeSeconds, most));
        }
        if (checkSeconds > most) {
            throw new SettingsException(field, String.format(Locale.ROOT, "the first step's check of the gradients against "
                    + "DeepLearning4J would take about %.1f s on this server, at most %.1f s" + smaller, checkSeconds, most));
        }
        if (evaluationSeconds > most) {
            throw new SettingsException(field, String.format(Locale.ROOT, "one evaluation of the held-out sentences would take about "
                    + "%.1f s on this server, at most %.1f s" + smaller + ", or give fewer sentences", evaluationSeconds, most));
        }
        if (bytes > limits.maxBytes()) {
            throw new SettingsException(field, String.format(Locale.ROOT, "this model would need about %.1f GiB of memory (at most %.1f GiB "
                    + "per run)" + smaller, bytes / (1L << 30), limits.maxBytes() / (1L << 30)));
        }
        if (heapBytes > limits.maxHeapBytes()) {
            throw new SettingsException(field, String.format(Locale.ROOT, "this model's training arrays would take about %.0f MiB "
                    + "of the server's heap (at most %.0f MiB per run)" + smaller, heapBytes / (1 << 20), limits.maxHeapBytes() / (1 << 20)));
        }
    }
}
