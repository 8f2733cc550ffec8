package lab.gradient.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.ToDoubleFunction;
import lab.gradient.sweeps.SweepService;

/**
 * The sweep's two charts against distance d, one colour per model: long-range accuracy (median line, the band from
 * the lowest to the highest seed, guessing dashed) and g(d)/g(0) on a log axis (at the last probe; thin dashed, at
 * iteration 0). Every run is a point that opens it.
 */
final class SweepCharts {
    private SweepCharts() {}

    static ObjectNode accuracy(SweepService.View sweep) {
        ChartOptions chart = new ChartOptions("distance d (words between the key and its answer)", "long-range accuracy", false).yRange(0, 1)
                .wholeNumberX();
        for (SweepService.Curves curve : sweep.curves()) {
            String colour = colour(sweep, curve.model());
            if (sweep.grid().seeds() > 1) {
                chart.band(curve.model() + " lowest to highest seed", x(curve.accuracy()), y(curve.accuracy(), SweepService.Summary::low),
                        y(curve.accuracy(), SweepService.Summary::high), colour);
            }
            chart.line(curve.model() + (sweep.grid().seeds() > 1 ? " median" : ""), x(curve.accuracy()),
                    y(curve.accuracy(), SweepService.Summary::median), colour, false, false);
            chart.links(curve.model() + " runs", points(sweep, curve.model(), SweepService.Point::longRangeAccuracy), colour, false);
        }
        return chart.level("guessing", sweep.guessing(), "#868e96").build();
    }

    static ObjectNode flow(SweepService.View sweep) {
        ChartOptions chart = new ChartOptions("distance d", "g(d)/g(0)", true).wholeNumberX();
        for (SweepService.Curves curve : sweep.curves()) {
            String colour = colour(sweep, curve.model());
            chart.line(curve.model() + (sweep.grid().seeds() > 1 ? " median" : ""), x(curve.flowRatio()),
                    y(curve.flowRatio(), SweepService.Summary::median), colour, false, true);
            chart.line(curve.model() + " at iteration 0", x(curve.initialFlowRatio()),
                    y(curve.initialFlowRatio(), SweepService.Summary::median), colour, true, true);
            chart.links(curve.model() + " runs", points(sweep, curve.model(), SweepService.Point::flowRatio), colour, true);
        }
        return chart.build();
    }

    /** The model's colour across the page: its place in the sweep's list of models. */
    static String colour(SweepService.View sweep, String model) {
        return ChartOptions.COLOURS.get(sweep.grid().modelIds().indexOf(model) % ChartOptions.COLOURS.size());
    }

    private static List<ChartOptions.Link> points(SweepService.View sweep, String model, ToDoubleFunction<SweepService.Point> value) {
        return sweep.points().stream().filter(p -> p.model().equals(model)).map(p -> new ChartOptions.Link(p.distance(),
                value.applyAsDouble(p), "runs/" + p.runId(), label(p))).toList();
    }

    /** "Asha · lstm at d = 20, seed 42": who and what, for a point's tooltip. */
    static String label(SweepService.Point p) {
        return (p.student() == null ? "" : p.student() + " · ") + p.model() + " at d = " + p.distance() + ", seed " + p.seed();
    }

    private static double[] x(List<SweepService.Summary> summaries) {
        return summaries.stream().mapToDouble(SweepService.Summary::distance).toArray();
    }

    private static double[] y(List<SweepService.Summary> summaries, ToDoubleFunction<SweepService.Summary> statistic) {
        return summaries.stream().mapToDouble(statistic).toArray();
    }
}
