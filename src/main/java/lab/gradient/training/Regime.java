package lab.gradient.training;

import java.util.Arrays;
import java.util.Locale;

/**
 * The one definition of what state a run's gradients are in, in the notes' words. The trainer's counters, the
 * diagnosis, Compare, the CSV and every caption use these thresholds and nothing else.
 *
 * <ul>
 *   <li><b>exploding</b>: the loss or gradient became NaN or infinite, or one step's gradient norm jumped over
 *       {@value #JUMP_FACTOR}× the median of the {@value #JUMP_WINDOW} steps before it (problem 2).</li>
 *   <li><b>vanishing</b>: the gradient d steps back is at most {@value #VANISHED} of the last step's,
 *       g(d)/g(0) ≤ {@value #VANISHED}: ∏ ∂o_t/∂o_{t−1} has shrunk it away (problem 1).</li>
 *   <li><b>erratic</b>: a vanilla RNN whose W_h has grown past the edge of stability (spectral radius ρ ≥
 *       {@value #EXPANDING_RADIUS}): the product has not exploded (tanh's saturation bounds it, ReLU's nothing), but what reaches d steps back
 *       swings by {@value #SWING}× or more between the last probes, or (where the task has known answers) carries no
 *       usable signal: long-range accuracy below {@value #USES_THE_KEY}. Chaos, neither carried nor cleanly vanished.</li>
 *   <li><b>overfitting</b>: validation loss has risen to at least (1 + {@value #OVERFIT_RISE}) × its best while the
 *       training loss kept falling: the model memorises its sentences.</li>
 *   <li><b>healthy</b>: none of these.</li>
 * </ul>
 * The first that holds, in this order, is the run's regime.
 */
public enum Regime {
    EXPLODING, VANISHING, ERRATIC, OVERFITTING, HEALTHY;

    public static final double JUMP_FACTOR = 100;
    public static final int JUMP_WINDOW = 20;
    public static final double VANISHED = 0.01;
    public static final double EXPANDING_RADIUS = 1.5;
    public static final double SWING = 10;
    public static final double USES_THE_KEY = 0.5;
    public static final double OVERFIT_RISE = 0.25;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The distance d the gradient's flow is judged at, one rule for the trainer's summary and the diagnosis: the key's
     * distance on a task with one ({@code keyDistance} > 0), else the window's far end.
     */
    public static int flowDistance(int keyDistance, int window) {
        return keyDistance > 0 ? keyDistance : window - 1;
    }

    /** g(d)/g(0) of one probe's g(k): how much of the gradient reaches d steps back; NaN where the probe does not reach d. */
    public static double flowRatio(double[] norms, int d) {
        return norms != null && norms.length > d ? norms[d] / norms[0] : Double.NaN;
    }

    /** Whether {@code norm} is an exploding step after the norms before it (at least 5 are needed to say). */
    public static boolean isJump(double norm, double[] before) {
        return before.length >= 5 && Double.isFinite(norm) && jumpFactor(norm, before) > JUMP_FACTOR;
    }

    /** How many times {@code norm} is the median (the upper one of an even count) of the last {@link #JUMP_WINDOW} before it. */
    public static double jumpFactor(double norm, double[] before) {
        double[] sorted = Arrays.copyOfRange(before, Math.max(0, before.length - JUMP_WINDOW), before.length);
        Arrays.sort(sorted);
        return norm / sorted[sorted.length / 2];
    }

    /**
     * What is known about a run at one moment.
     *
     * @param flowRatios g(d)/g(0) at each probe so far, oldest first (the first is iteration 0's)
     * @param spectralRadius the largest ρ among the vanilla RNN's W_h at the last probe, NaN for an LSTM
     * @param longRangeAccuracy at the last evaluation, NaN where the task has no known answers
     * @param validationLosses at each evaluation, oldest first
     * @param trainLossEarly the smoothed training loss when the best validation loss was measured, NaN if unknown
     * @param trainLossNow the smoothed training loss now
     */
    public record Evidence(boolean diverged, int explodingSteps, double[] flowRatios, double spectralRadius,
            double longRangeAccuracy, double[] validationLosses, double trainLossEarly, double trainLossNow) {}

    /** The regime, or null while it is too early to say (no probe after iteration 0, nothing exploded). */
    public static Regime of(Evidence e) {
        if (e.diverged() || e.explodingSteps() > 0) return EXPLODING;
        if (e.flowRatios().length < 2) return null;
        double now = e.flowRatios()[e.flowRatios().length - 1];
        if (now <= VANISHED) return VANISHING;
        if (e.spectralRadius() >= EXPANDING_RADIUS && (swing(e.flowRatios()) >= SWING
                || (Double.isFinite(e.longRangeAccuracy()) && e.longRangeAccuracy() < USES_THE_KEY))) {
            return ERRATIC;
        }
        if (overfitting(e)) return OVERFITTING;
        return HEALTHY;
    }

    /** max/min of g(d)/g(0) over the last three probes after iteration 0. */
    public static double swing(double[] flowRatios) {
        if (flowRatios.length < 4) return 1;
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (int i = flowRatios.length - 3; i < flowRatios.length; i++) {
            min = Math.min(min, flowRatios[i]);
            max = Math.max(max, flowRatios[i]);
        }
        return min > 0 ? max / min : Double.POSITIVE_INFINITY;
    }

    static boolean overfitting(Evidence e) {
        double[] v = e.validationLosses();
        if (v.length < 3) return false;
        double best = Arrays.stream(v).min().orElse(Double.NaN);
        double last = v[v.length - 1];
        boolean trainFalling = !Double.isFinite(e.trainLossEarly()) || e.trainLossNow() < e.trainLossEarly();
        return last >= best * (1 + OVERFIT_RISE) && trainFalling;
    }
}
