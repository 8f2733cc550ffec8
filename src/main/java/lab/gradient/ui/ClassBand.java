package lab.gradient.ui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lab.gradient.model.MetricSeries;
import lab.gradient.runs.Downsampling;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Many runs of one model as one spread: at each point the median and the quartiles across the runs. With a seed per
 * student this is the seed noise of a class: a gap between two models that stays outside both bands is not luck.
 * Per-iteration series are smoothed run by run on every point first (as {@link SmoothedLine} does), so the band is the
 * spread between runs, not each step's minibatch noise; a point counts only where at least two runs have it.
 */
record ClassBand(double[] x, double[] q1, double[] median, double[] q3, int runs) {

    /** {@code column} of each run's metrics ("loss", "gradNorm.total", …), smoothed with {@code weight}, then thinned. */
    static ClassBand of(List<MetricSeries> runs, String column, double weight, int maxPoints) {
        TreeMap<Integer, List<Double>> byIteration = new TreeMap<>();
        int counted = 0;
        for (MetricSeries m : runs) {
            float[] values = m.columns().get(column);
            if (values == null || m.size() == 0) continue;
            counted++;
            double ema = Double.NaN;
            for (int i = 0; i < values.length; i++) {
                ema = Double.isFinite(ema) ? weight * ema + (1 - weight) * values[i] : values[i];
                if (Double.isFinite(ema)) byIteration.computeIfAbsent(m.iteration()[i], k -> new ArrayList<>()).add(ema);
            }
        }
        return quartiles(byIteration, counted, maxPoints);
    }

    /** One run's values at the iterations it measured them (its probes, its evaluations). */
    record Points(int[] iteration, double[] value) {}

    /** Each run's values where it measured them, unsmoothed: a probe's g(d)/g(0), an evaluation's accuracy. */
    static ClassBand ofPoints(List<Points> runs) {
        TreeMap<Integer, List<Double>> byIteration = new TreeMap<>();
        for (Points p : runs) {
            for (int i = 0; i < p.value().length; i++) {
                if (Double.isFinite(p.value()[i])) byIteration.computeIfAbsent(p.iteration()[i], k -> new ArrayList<>()).add(p.value()[i]);
            }
        }
        return quartiles(byIteration, runs.size(), Integer.MAX_VALUE);
    }

    /** Each run's gradient flow at its last probe, g(k) for every k back. */
    static ClassBand ofFlows(List<double[]> lastProbes) {
        TreeMap<Integer, List<Double>> byStep = new TreeMap<>();
        for (double[] g : lastProbes) {
            for (int k = 0; k < g.length; k++) if (Double.isFinite(g[k])) byStep.computeIfAbsent(k, x -> new ArrayList<>()).add(g[k]);
        }
        return quartiles(byStep, lastProbes.size(), Integer.MAX_VALUE);
    }

    private static ClassBand quartiles(TreeMap<Integer, List<Double>> points, int runs, int maxPoints) {
        List<double[]> rows = new ArrayList<>();
        for (Map.Entry<Integer, List<Double>> e : points.entrySet()) {
            if (e.getValue().size() < 2) continue;
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            rows.add(new double[] {e.getKey(), quantile(v, 0.25), quantile(v, 0.5), quantile(v, 0.75)});
        }
        float[] median = new float[rows.size()];
        for (int i = 0; i < median.length; i++) median[i] = (float) rows.get(i)[2];
        int[] keep = rows.size() <= maxPoints ? java.util.stream.IntStream.range(0, rows.size()).toArray()
                : Downsampling.keep(rows.size(), maxPoints, List.of(median));
        double[][] out = new double[4][keep.length];
        for (int j = 0; j < keep.length; j++) for (int c = 0; c < 4; c++) out[c][j] = rows.get(keep[j])[c];
        return new ClassBand(out[0], out[1], out[2], out[3], runs);
    }

    /** Linear interpolation between order statistics (the R-7 / NumPy default definition). */
    static double quantile(double[] values, double p) {
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, 100 * p);
    }

    @Override
    public String toString() {
        return "ClassBand[" + runs + " runs, " + x.length + " points, median " + Arrays.toString(Arrays.copyOf(median, Math.min(3, median.length))) + "…]";
    }
}
