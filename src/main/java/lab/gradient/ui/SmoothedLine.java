package lab.gradient.ui;

import java.util.List;
import lab.gradient.runs.Downsampling;

/**
 * A metric as a chart line: smoothed first, on every recorded point, then thinned for the chart. Smoothing after
 * thinning would average the kept extremes of each bucket and draw a curve the run never had.
 */
record SmoothedLine(double[] x, double[] y) {
    /**
     * {@code weight}: how much an exponential moving average keeps of the past (0 = raw). A non-finite value (a
     * diverged step) restarts the average, so the line shows the blow-up instead of carrying NaN forever.
     */
    static SmoothedLine of(float[] x, float[] values, double weight, int maxPoints) {
        float[] smoothed = new float[values.length];
        double ema = Double.NaN;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            ema = Double.isFinite(ema) ? weight * ema + (1 - weight) * v : v;
            smoothed[i] = (float) ema;
        }
        int[] keep = Downsampling.keep(values.length, maxPoints, List.of(smoothed));
        double[] xs = new double[keep.length], ys = new double[keep.length];
        for (int j = 0; j < keep.length; j++) {
            xs[j] = x[keep[j]];
            ys[j] = smoothed[keep[j]];
        }
        return new SmoothedLine(xs, ys);
    }

    static float[] asFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }
}
