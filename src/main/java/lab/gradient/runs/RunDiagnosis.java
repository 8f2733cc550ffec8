package lab.gradient.runs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import lab.gradient.model.Flow;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Run;
import lab.gradient.model.Spectrum;
import lab.gradient.model.Validation;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.RecurrentSpectrum;
import lab.gradient.training.Regime;
import lab.gradient.training.TrainingResult;
import lab.gradient.training.TrainingSettings;

/**
 * What a run's numbers say, in the words of the lecture notes. The regime comes from {@link Regime}, the one rule;
 * this class gathers its evidence from what the run recorded and words it. The distance d is fixed by the run
 * (the preset's distance, else the window's far end), so the diagnosis reads the same while training and after.
 */
public final class RunDiagnosis {
    /** Smoothing of the training loss, in iterations: the same window the trainer's summary uses. */
    static final int SMOOTHING = Regime.JUMP_WINDOW;

    /** The verdict, {@code regime} null while it is too early to say; {@code lines} say why, one fact each. */
    public record Diagnosis(Regime regime, String text, List<String> lines) {}

    private RunDiagnosis() {}

    /** The number of steps back the diagnosis looks at: the key's distance on long-range, else the window's far end. */
    public static int distance(TrainingSettings settings, CorpusSpec corpus) {
        return Regime.flowDistance(corpus.isLongRange() ? corpus.effectiveDistance() : 0, settings.window);
    }

    /** g(d)/g(0) at each probe: how much of the gradient reaches d steps back; NaN where a probe does not reach d. */
    public static double[] flowRatios(List<Flow> flows, int d) {
        return flows.stream().mapToDouble(f -> Regime.flowRatio(f.norms(), d)).toArray();
    }

    public static Diagnosis of(Run run, CorpusSpec corpus, List<Flow> flows, List<Spectrum> spectra,
            List<Validation> validations, MetricSeries metrics) {
        TrainingSettings settings = run.settings();
        TrainingResult.Summary summary = run.summary();
        boolean lstm = ModelKind.of(run.model()).isLstm();
        int d = distance(settings, corpus);
        double[] ratios = java.util.Arrays.stream(flowRatios(flows, d)).filter(r -> !Double.isNaN(r)).toArray();
        float[] norms = metrics.columns().getOrDefault("gradNorm.total", new float[0]);
        float[] losses = metrics.columns().getOrDefault("loss", new float[0]);
        Jumps jumps = jumps(norms, metrics.iteration());
        boolean diverged = RunStatus.DIVERGED.id().equals(run.status()) || (summary != null && summary.divergedAt() > 0);
        double radius = lstm || spectra.isEmpty() ? Double.NaN : RecurrentSpectrum.largestRadius(spectra.get(spectra.size() - 1).matrices().values());
        double accuracy = corpus.isLongRange() && !validations.isEmpty()
                ? validations.get(validations.size() - 1).longRangeAccuracy() : Double.NaN;
        double[] validationLosses = validations.stream().mapToDouble(Validation::loss).toArray();
        int bestAt = validations.stream().min((a, b) -> Double.compare(a.loss(), b.loss())).map(Validation::iteration).orElse(-1);
        Regime.Evidence evidence = new Regime.Evidence(diverged, jumps.count(), ratios, radius, accuracy, validationLosses,
                smoothedLossAt(losses, metrics.iteration(), bestAt), smoothedLossAt(losses, metrics.iteration(), Integer.MAX_VALUE));
        Regime regime = Regime.of(evidence);

        List<String> lines = new ArrayList<>();
        String text = switch (regime == null ? "early" : regime.id()) {
            case "exploding" -> diverged
                    ? "Exploding: the loss or the gradient became NaN or infinite" + (summary != null && summary.divergedAt() > 0
                            ? " at iteration " + summary.divergedAt() : "") + ". Clip the gradient or lower the learning rate."
                    : settings.clip == TrainingSettings.ClipMode.NONE
                            ? String.format(Locale.ROOT, "Exploding: the gradient norm jumped %s× at iteration %d — try clipping.",
                                    round(jumps.largestFactor()), jumps.largestAt())
                            // the fix at work: the raw gradient still leaps, but no step is larger than the threshold
                            : String.format(Locale.ROOT, "Exploding, held by clipping: the raw gradient norm jumped %s× at iteration %d; "
                                    + "%s, and the training loss went from %s to %s.", round(jumps.largestFactor()), jumps.largestAt(),
                                    settings.clip == TrainingSettings.ClipMode.VALUE
                                            ? "every component was clipped to ±" + round(settings.clipThreshold)
                                            : "every step's gradient was clipped to norm " + round(settings.clipThreshold),
                                    round(smoothedLossAt(losses, metrics.iteration(), firstIteration(metrics) + SMOOTHING - 1)),
                                    round(evidence.trainLossNow()));
            case "vanishing" -> "Vanishing: the gradient " + d + " steps back is " + power(last(ratios)) + " of the last step's. "
                    + (lstm && !corpus.isLongRange() ? "On this text the LSTM learned to forget what lies that far back: a choice, not a failure."
                            : "The product of factors ∂o_t/∂o_{t−1} has shrunk it away: the model cannot learn from a word that far back.");
            case "erratic" -> String.format(Locale.ROOT, "Erratic: ρ(W_h) = %s, past 1, so the product of factors no longer shrinks "
                    + "steadily; %s, and what reaches %d steps back %s. Chaos, not the key's signal.",
                    round(radius), saturates(run.model()) ? "tanh's saturation keeps it from exploding"
                            : "nothing keeps it in bounds (ReLU does not saturate)", d, Regime.swing(ratios) >= Regime.SWING
                            ? String.format(Locale.ROOT, "swings %s× between the last probes", round(Regime.swing(ratios)))
                            : String.format(Locale.ROOT, "(%s of the last step's) carries no usable signal", round(last(ratios))));
            case "overfitting" -> String.format(Locale.ROOT, "Overfitting: validation loss rose from its best %s to %s while the "
                    + "training loss fell to %s: the model is memorising its sentences. More sentences or fewer iterations help.",
                    round(Arrays.stream(validationLosses).min().orElse(Double.NaN)), round(last(validationLosses)),
                    round(evidence.trainLossNow()));
            case "healthy" -> String.format(Locale.ROOT, "Healthy: the gradient %d steps back is %s of the last step's%s.", d,
                    round(last(ratios)), last(ratios) < 0.1 ? ": fading, so words that far back weigh little in what it learns"
                            : last(ratios) > 1 && ratios[0] < last(ratios)
                                    ? String.format(Locale.ROOT, ", up from %s at iteration 0: more reaches the word that far back than "
                                            + "the last word, because the model learned that it matters%s", round(ratios[0]),
                                            lstm ? " (the LSTM's cell state carries it)" : "")
                            : lstm ? " — the LSTM's cell state carries it" : ": it still reaches far-back words");
            default -> RunStatus.FAILED.id().equals(run.status()) ? "Training failed: " + run.error()
                    : RunStatus.QUEUED.id().equals(run.status()) ? "Waiting for a free worker."
                    : "Too early to say: the first probe after iteration 0 comes at iteration " + settings.probeEvery + ".";
        };
        String ended = switch (RunStatus.of(run.status())) {
            case CANCELLED -> "Cancelled" + ("teacher".equals(run.cancelledBy()) ? " by the lab's teacher"
                    : "owner".equals(run.cancelledBy()) ? " by whoever started it" : "") + " after " + run.iterations()
                    + " of " + run.totalIterations() + " iterations; what it recorded is kept.";
            case INTERRUPTED -> "Interrupted after " + run.iterations() + " iterations: the server stopped while it trained, before "
                    + "it had saved a checkpoint to go on from. What it recorded is kept; Fork the experiment to train it again.";
            default -> null;
        };
        if (ended != null && regime == null) text = ended;
        else if (ended != null) lines.add(ended);
        lines.add(text);
        if (ratios.length > 0 && Double.isFinite(ratios[0])) {
            lines.add(String.format(Locale.ROOT, "Before any learning (iteration 0) the gradient %d steps back was %s of the last step's.",
                    d, round(ratios[0])));
        }
        if (Double.isFinite(accuracy)) {
            lines.add(String.format(Locale.ROOT, "Long-range answers right: %.0f%% (guessing one of the answers gives %s%%).",
                    100 * accuracy, java.math.BigDecimal.valueOf(100 * lab.gradient.training.Presets.longRangeGuessing()).stripTrailingZeros()
                            .toPlainString()));
        }
        if (summary != null && summary.gradientCheck() != null) {
            lines.add(String.format(Locale.ROOT, "Gradients checked against DeepLearning4J on the first batch (at most %d of its windows): they agree to %s "
                    + "(the largest relative difference over the parameters; a second, independent implementation of the same math).",
                    lab.gradient.training.Network.CHECK_WINDOWS, power(summary.gradientCheck())));
        }
        if (summary != null && summary.budgetExhausted()) {
            lines.add("Stopped after " + summary.iterations() + " iterations: the run's time budget on this server ran out.");
        }
        return new Diagnosis(regime, text, List.copyOf(lines));
    }

    /** Whether the model's recurrent activation is tanh, which saturates (its slope → 0 as |h| → 1); ReLU's does not. */
    static boolean saturates(String model) {
        ModelKind kind = ModelKind.of(model);
        return kind == ModelKind.RNN || kind == ModelKind.RNN_SKIP || kind.isLstm();
    }

    /** The exploding steps of a run, by {@link Regime#isJump}: how many, and the largest one's factor and iteration. */
    record Jumps(int count, double largestFactor, int largestAt) {}

    static Jumps jumps(float[] norms, int[] iterations) {
        int count = 0, at = 0;
        double largest = 0;
        for (int i = 0; i < norms.length; i++) {
            double[] before = before(norms, i);
            if (!Regime.isJump(norms[i], before)) continue;
            count++;
            double factor = Regime.jumpFactor(norms[i], before);
            if (factor > largest) {
                largest = factor;
                at = iterations[i];
            }
        }
        return new Jumps(count, largest, at);
    }

    private static double[] before(float[] norms, int i) {
        double[] out = new double[Math.min(i, Regime.JUMP_WINDOW)];
        for (int k = 0; k < out.length; k++) out[k] = norms[i - out.length + k];
        return out;
    }

    private static int firstIteration(MetricSeries metrics) {
        return metrics.size() == 0 ? 0 : metrics.iteration()[0];
    }

    /** Mean training loss over the {@value #SMOOTHING} iterations up to {@code iteration}, NaN if none. */
    private static double smoothedLossAt(float[] losses, int[] iterations, int iteration) {
        int end = 0;
        while (end < iterations.length && iterations[end] <= iteration) end++;
        if (end == 0) return Double.NaN;
        double sum = 0;
        int from = Math.max(0, end - SMOOTHING);
        for (int i = from; i < end; i++) sum += losses[i];
        return sum / (end - from);
    }

    private static double last(double[] values) {
        return values.length == 0 ? Double.NaN : values[values.length - 1];
    }

    /**
     * A small ratio as a student reads it off the chart, to two significant digits: 0.0064 → "0.0064", 3.2e-7 →
     * "3.2×10⁻⁷" (below 0.001 in powers of ten). Rounding to the nearest power of ten printed 0.006 as "10⁻²".
     */
    static String power(double ratio) {
        if (ratio == 0) return "0 (below what float32 can hold, 10⁻⁴⁵)";
        if (!Double.isFinite(ratio) || ratio < 0) return String.valueOf(ratio);
        java.math.BigDecimal two = new java.math.BigDecimal(ratio).round(new java.math.MathContext(2));
        if (ratio >= 0.001) return two.stripTrailingZeros().toPlainString();
        int exponent = two.precision() - two.scale() - 1;
        String mantissa = two.movePointRight(-exponent).stripTrailingZeros().toPlainString();
        String digits = Integer.toString(Math.abs(exponent));
        StringBuilder sup = new StringBuilder(exponent < 0 ? "⁻" : "");
        for (char c : digits.toCharArray()) sup.append("⁰¹²³⁴⁵⁶⁷⁸⁹".charAt(c - '0'));
        return (mantissa.equals("1") ? "" : mantissa + "×") + "10" + sup;
    }

    static String round(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2g", v);
    }
}
