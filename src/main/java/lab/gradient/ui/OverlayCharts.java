package lab.gradient.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import lab.gradient.model.Flow;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Spectrum;
import lab.gradient.runs.Downsampling;

/** Charts that overlay many runs, one line each: Compare's chosen series, and a lab's loss and gradient flow. */
final class OverlayCharts {
    /** Points per line when a whole class is overlaid: 30 students' runs redrawn every few seconds stay a small update. */
    static final int CLASS_POINTS = 150;

    /** One run's line: its name and colour, and what it recorded. */
    record Line(String name, String colour, MetricSeries metrics, List<Flow> flows, List<Spectrum> spectra) {}

    private OverlayCharts() {}

    /**
     * Compare's chart of {@code what} ("loss", "gradNorm", "gradNormClipped", "updateRatio", "flow" or "spectral"):
     * per-iteration series smoothed on every point, then thinned; the gradient flow at each run's last probe; the
     * first recurrent matrix's spectral radius over training.
     */
    static ObjectNode compare(List<Line> lines, String what, String yName, boolean logY, double smoothing, boolean byTime) {
        ChartOptions options = new ChartOptions(what.equals("flow") ? "steps back k" : byTime ? "seconds" : "iteration", yName, logY);
        for (Line l : lines) {
            switch (what) {
                case "flow" -> {
                    if (l.flows().isEmpty()) continue;
                    double[] norms = l.flows().get(l.flows().size() - 1).norms();
                    options.line(l.name(), steps(norms.length), norms, l.colour(), false, logY);
                }
                case "spectral" -> {
                    double[] x = new double[l.spectra().size()], y = new double[l.spectra().size()];
                    for (int j = 0; j < x.length; j++) {
                        x[j] = l.spectra().get(j).iteration();
                        y[j] = l.spectra().get(j).matrices().values().iterator().next().spectralRadius();
                    }
                    options.line(l.name(), x, y, l.colour(), false, logY);
                }
                default -> {
                    MetricSeries m = l.metrics();
                    float[] values = m.columns().get(what.equals("loss") ? "loss" : what + ".total");
                    if (values == null) continue;
                    float[] x = byTime ? m.columns().get("seconds") : SmoothedLine.asFloats(m.iteration());
                    SmoothedLine line = SmoothedLine.of(x, values, smoothing, ExperimentCharts.MAX_POINTS);
                    options.line(l.name(), line.x(), line.y(), l.colour(), false, logY);
                }
            }
        }
        return options.build();
    }

    /** Every run's training loss, thinned to {@value #CLASS_POINTS} points a line (each bucket keeps its extremes). */
    static ObjectNode classLoss(List<Line> lines) {
        ChartOptions chart = new ChartOptions("iteration", "loss per word", false);
        for (Line l : lines) {
            MetricSeries m = l.metrics();
            float[] values = m.columns().get("loss");
            if (values == null || m.size() == 0) continue;
            int[] keep = Downsampling.keep(m.size(), CLASS_POINTS, List.of(values));
            double[] x = new double[keep.length], y = new double[keep.length];
            for (int k = 0; k < keep.length; k++) {
                x[k] = m.iteration()[keep[k]];
                y[k] = values[keep[k]];
            }
            chart.line(l.name(), x, y, l.colour(), false, false);
        }
        return chart.build();
    }

    /** Every run's gradient flow at its last probe, on a log axis. */
    static ObjectNode classFlow(List<Line> lines) {
        ChartOptions chart = new ChartOptions("steps back k", "‖∂L_T/∂x_{T−k}‖", true);
        for (Line l : lines) {
            if (l.flows().isEmpty()) continue;
            double[] g = l.flows().get(l.flows().size() - 1).norms();
            chart.line(l.name(), steps(g.length), g, l.colour(), false, true);
        }
        return chart.build();
    }

    /** One model's runs, to be drawn as a spread: their metrics and each run's last gradient-flow probe. */
    record Group(String model, String colour, List<MetricSeries> metrics, List<double[]> lastFlows) {}

    /**
     * Each model's runs as a median line and the band of their middle half (quartiles): what a seed per student shows.
     * {@code what} as for {@link #compare}; per-iteration series are smoothed run by run with {@code smoothing} first.
     * On a log axis the quartiles are dashed lines (a filled band cannot be stacked there).
     */
    static ObjectNode bands(List<Group> groups, String what, String yName, boolean logY, double smoothing) {
        boolean flow = what.equals("flow");
        ChartOptions chart = new ChartOptions(flow ? "steps back k" : "iteration", yName, logY);
        for (Group g : groups) {
            ClassBand band = flow ? ClassBand.ofFlows(g.lastFlows())
                    : ClassBand.of(g.metrics(), what.equals("loss") ? "loss" : what + ".total", smoothing, ExperimentCharts.MAX_POINTS);
            draw(chart, g.model(), g.colour(), band, logY);
        }
        return chart.build();
    }

    /** One arm's runs as the values each measured at some iterations (g(d)/g(0) at its probes, accuracy at its evaluations). */
    record PointGroup(String model, String colour, List<ClassBand.Points> runs) {}

    /** Each arm's runs as a median line and the band of their middle half, at the iterations they measured. */
    static ObjectNode pointBands(List<PointGroup> groups, String yName, boolean logY) {
        ChartOptions chart = new ChartOptions("iteration", yName, logY);
        for (PointGroup g : groups) draw(chart, g.model(), g.colour(), ClassBand.ofPoints(g.runs()), logY);
        return chart.build();
    }

    private static void draw(ChartOptions chart, String model, String colour, ClassBand band, boolean logY) {
        if (band.x().length == 0) return;
        if (logY) {
            chart.line(model + " · quartiles", band.x(), band.q1(), colour, true, true);
            chart.line(model + " · quartiles", band.x(), band.q3(), colour, true, true);
        } else {
            chart.band(model + " · middle half", band.x(), band.q1(), band.q3(), colour);
        }
        chart.line(model + " · median of " + band.runs() + " runs", band.x(), band.median(), colour, false, logY);
    }

    private static double[] steps(int n) {
        double[] k = new double[n];
        for (int j = 0; j < n; j++) k[j] = j;
        return k;
    }
}
