package lab.gradient.training;

import java.util.Locale;

/**
 * What one run asks of a worker, estimated before it is accepted: floating-point work per iteration and memory.
 * FLOPs count the matrix products only, forward and backward (3 × 2 × multiply-adds per token, the count of
 * docs/benchmarks.md): per token and layer g·H·(E_in + H) multiply-adds (g = 4 gates for the LSTM, 1 otherwise), and
 * H·V for the softmax over the vocabulary. The trainer did 16.5–18 GFLOP/s per worker there; the budget assumes
 * {@value #WORKER_GFLOPS} so that a second run on the other core and the probes fit.
 *
 * @param flopsPerIteration matrix-product FLOPs of one training step (batch × window tokens, forward and backward)
 * @param bytes float32 parameters with their gradients and Adam's two moments, plus one step's activations
 */
public record Cost(double flopsPerIteration, double bytes) {
    static final double WORKER_GFLOPS = 10;
    /** A run must be able to do at least this many steps in its time budget to be worth a worker. */
    public static final int MIN_ITERATIONS_IN_BUDGET = 100;

    /**
     * What one run may ask of this server (its {@code --max-step-seconds} and {@code --max-run-memory}).
     *
     * @param maxSecondsPerStep one step at most this long, so cancel, the time budget and shutdown act within seconds
     * @param maxBytes the most one run may need: the heap and ND4J's native memory hold a few runs at once
     */
    public record Limits(double maxSecondsPerStep, double maxBytes) {
        public static final Limits DEFAULT = new Limits(2, 1L << 30);

        public Limits {
            if (!(maxSecondsPerStep > 0) || !(maxBytes > 0)) throw new IllegalArgumentException("cost limits must be positive");
        }
    }

    public static Cost of(ModelKind kind, TrainingSettings s, int vocabulary) {
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
        double tokens = (double) s.batch * s.window;
        // per token: each layer's gates, cell and state kept for the backward pass (~4 values per gate unit), and the
        // output's logits, softmax and their gradient (3 values per word of the vocabulary)
        double activations = tokens * (s.layers * gates * s.hidden * 4.0 + 3.0 * vocabulary);
        return new Cost(6 * (recurrentMacs + outputMacs) * tokens, 4 * (4 * params + activations));
    }

    public double secondsPerIteration() {
        return nominalSeconds(flopsPerIteration);
    }

    /** How long this much work takes at the rate the budget assumes ({@value #WORKER_GFLOPS} GFLOP/s). */
    public static double nominalSeconds(double flops) {
        return flops / (WORKER_GFLOPS * 1e9);
    }

    /**
     * Refuses a run a worker cannot do: a step too long to stop within seconds, too few steps in the time budget, or
     * more memory than one run may take. The field named is the arm's {@code hidden}, the setting that matters most.
     */
    public void require(String field, int budgetSeconds, Limits limits) {
        double step = secondsPerIteration();
        if (step > limits.maxSecondsPerStep() || step * MIN_ITERATIONS_IN_BUDGET > budgetSeconds) {
            throw new SettingsException(field, String.format(Locale.ROOT, "one training step would take about %.1f s on this server "
                    + "(at most %.1f s, and %d steps must fit in the %d s a run may train): make hidden, layers, window, batch or "
                    + "the vocabulary (maxVocab) smaller", step, Math.min(limits.maxSecondsPerStep(), (double) budgetSeconds / MIN_ITERATIONS_IN_BUDGET),
                    MIN_ITERATIONS_IN_BUDGET, budgetSeconds));
        }
        if (bytes > limits.maxBytes()) {
            throw new SettingsException(field, String.format(Locale.ROOT, "this model would need about %.1f GiB of memory (at most %.1f GiB "
                    + "per run): make hidden, layers, window, batch or the vocabulary (maxVocab) smaller", bytes / (1L << 30), limits.maxBytes() / (1L << 30)));
        }
    }
}
