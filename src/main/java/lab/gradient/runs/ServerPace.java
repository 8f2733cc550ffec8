package lab.gradient.runs;

import java.util.List;
import lab.gradient.store.QueueStore;
import lab.gradient.store.RunStore;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * How long a run will take on this server before it has timed its own steps: its estimated work per step
 * ({@link lab.gradient.training.Cost}, known at submission) times the seconds this server spent per unit of that work
 * in the runs it completed last (set-up, probes and evaluations included, as they recur): the same model's if it has
 * finished at least {@value #SAME_MODEL}, else every model's. Unknown (NaN) until this server has completed a run.
 */
final class ServerPace {
    static final int HISTORY = 30, SAME_MODEL = 3;
    private final List<QueueStore.Pace> recent;

    private ServerPace(List<QueueStore.Pace> recent) {
        this.recent = recent;
    }

    /** The pace as of now (one query; estimate many runs with it). */
    static ServerPace of(RunStore store) {
        return new ServerPace(store.queue().recentPaces(HISTORY));
    }

    double secondsPerIteration(String model, double flopsPerIteration) {
        return secondsPerIteration(model, flopsPerIteration, 0.5);
    }

    /**
     * As above at quantile {@code q} of the recent paces instead of their median: 0.25 a quicker hour of this server,
     * 0.75 a slower one (other runs training beside it), for a forecast that says its range.
     */
    double secondsPerIteration(String model, double flopsPerIteration, double q) {
        if (!(flopsPerIteration > 0)) return Double.NaN;
        List<QueueStore.Pace> same = recent.stream().filter(p -> p.model().equals(model)).toList();
        double secondsPerFlop = quantile((same.size() >= SAME_MODEL ? same : recent).stream()
                // a training timed at zero (clock resolution) says nothing of the pace
                .filter(p -> p.flopsPerIteration() > 0 && p.secondsPerIteration() > 0)
                .mapToDouble(p -> p.secondsPerIteration() / p.flopsPerIteration()).toArray(), q);
        return secondsPerFlop * flopsPerIteration;
    }

    /** Quantile {@code q} by linear interpolation between order statistics; the median at 0.5, NaN for none. */
    static double quantile(double[] values, double q) {
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, 100 * q);
    }
}
