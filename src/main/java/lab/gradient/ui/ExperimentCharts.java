package lab.gradient.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.model.Flow;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Spectrum;
import lab.gradient.model.Validation;
import lab.gradient.runs.Downsampling;
import lab.gradient.runs.RunRecords;

/** The experiment page's charts as ECharts options, one small builder each, from what the arms recorded. */
final class ExperimentCharts {
    /** Most points per line: more than a chart's width in pixels. */
    static final int MAX_POINTS = 2000;
    /**
     * Most points per line while a run trains and the page is redrawn every second: each bucket still keeps its
     * extremes, so no spike is lost, and the finished run is drawn with {@link #MAX_POINTS}.
     */
    static final int LIVE_POINTS = 500;

    /** One arm as the charts draw it: its label and colour, its series, and its other records. */
    record Arm(String label, String colour, MetricSeries metrics, RunRecords records) {}

    private ExperimentCharts() {}

    /** Training loss per word (lines) and validation loss (dots, one per evaluation) per arm. */
    static ObjectNode loss(List<Arm> arms, int maxPoints) {
        ChartOptions chart = new ChartOptions("iteration", "loss per word", false);
        for (Arm arm : arms) {
            MetricSeries m = arm.metrics();
            if (m.size() > 0) {
                int[] keep = Downsampling.keep(m.size(), maxPoints, List.of(m.columns().get("loss")));
                chart.line(arm.label() + " train", iterations(m, keep), toDoubles(m.columns().get("loss"), keep), arm.colour(), false, false);
            }
            List<Validation> v = arm.records().validations();
            chart.points(arm.label() + " validation", v.stream().mapToDouble(Validation::iteration).toArray(),
                    v.stream().mapToDouble(Validation::loss).toArray(), arm.colour());
        }
        return chart.build();
    }

    /** ‖∂L/∂w‖ per parameter on a log axis, before clipping (solid) and after (dashed). */
    static ObjectNode gradNorm(List<Arm> arms, int maxPoints) {
        ChartOptions chart = new ChartOptions("iteration", "‖∂L/∂w‖", true);
        for (Arm arm : arms) {
            MetricSeries m = arm.metrics();
            if (m.size() == 0) continue;
            int[] keep = Downsampling.keep(m.size(), maxPoints, List.of(m.columns().get("gradNorm.total")));
            // the lines shown at first get full detail; the others (off until picked in the legend) fewer points, so a
            // live update of ~28 series stays small enough to send every second to a whole class
            int[] keepFew = Downsampling.keep(m.size(), maxPoints / 8, List.of(m.columns().get("gradNorm.total")));
            for (Map.Entry<String, float[]> column : m.columns().entrySet()) {
                String key = column.getKey();
                boolean clipped = key.startsWith("gradNormClipped.");
                if (!key.startsWith("gradNorm.") && !clipped) continue;
                String param = key.substring(key.indexOf('.') + 1);
                String name = arm.label() + " " + param + (clipped ? " after clipping" : "");
                boolean shown = param.equals("total") || param.endsWith("W_h");
                int[] points = shown ? keep : keepFew;
                // each arm's total in its own colour; the per-parameter lines take the palette's
                chart.line(name, iterations(m, points), toDoubles(column.getValue(), points), param.equals("total") ? arm.colour() : null, clipped, true);
                if (!shown) chart.hideInLegend(name);
            }
        }
        return chart.build();
    }

    /** g(k) against steps back k at the latest probe, and (dashed) before training. */
    static ObjectNode flow(List<Arm> arms) {
        ChartOptions chart = new ChartOptions("steps back k", "‖∂L_T/∂x_{T−k}‖", true);
        for (Arm arm : arms) {
            List<Flow> f = arm.records().flows();
            if (f.isEmpty()) continue;
            Flow last = f.get(f.size() - 1);
            double[] k = new double[last.norms().length];
            for (int j = 0; j < k.length; j++) k[j] = j;
            chart.line(arm.label() + " at iteration " + last.iteration(), k, last.norms(), arm.colour(), false, true);
            if (f.size() > 1) chart.line(arm.label() + " before training", k, f.get(0).norms(), arm.colour(), true, true);
        }
        return chart.build();
    }

    /** Every probe of one arm: steps back × iteration, coloured by log₁₀ g. */
    static ObjectNode heatmap(Arm arm) {
        List<Flow> f = arm.records().flows();
        return ChartOptions.heatmap(f.stream().map(Flow::iteration).toList(), f.stream().map(Flow::norms).toList());
    }

    /**
     * Over training, per arm, its first recurrent matrix's spectral radius ρ (solid) and largest singular value σ_max
     * (dashed), in the arm's colour; the arm's other matrices' ρ dashed in grey.
     */
    static ObjectNode spectral(List<Arm> arms) {
        ChartOptions chart = new ChartOptions("iteration", "ρ(W_h) and σ_max(W_h)", false);
        for (Arm arm : arms) {
            Map<String, List<double[]>> byMatrix = new LinkedHashMap<>();
            for (Spectrum s : arm.records().spectra()) {
                s.matrices().forEach((matrix, values) -> byMatrix.computeIfAbsent(matrix, k -> new ArrayList<>())
                        .add(new double[] {s.iteration(), values.spectralRadius(), values.largestSingularValue()}));
            }
            boolean first = true;
            for (Map.Entry<String, List<double[]>> e : byMatrix.entrySet()) {
                double[] x = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
                chart.line(arm.label() + " ρ " + e.getKey(), x, e.getValue().stream().mapToDouble(v -> v[1]).toArray(),
                        first ? arm.colour() : null, !first, false);
                if (first) {
                    chart.line(arm.label() + " σ_max " + e.getKey(), x, e.getValue().stream().mapToDouble(v -> v[2]).toArray(),
                            arm.colour(), true, false);
                }
                first = false;
            }
        }
        return chart.build();
    }

    private static double[] toDoubles(float[] values, int[] keep) {
        double[] out = new double[keep.length];
        for (int i = 0; i < keep.length; i++) out[i] = values[keep[i]];
        return out;
    }

    private static double[] iterations(MetricSeries m, int[] keep) {
        double[] out = new double[keep.length];
        for (int i = 0; i < keep.length; i++) out[i] = m.iteration()[keep[i]];
        return out;
    }
}
