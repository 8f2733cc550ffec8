package lab.gradient.runs;

import java.util.Arrays;
import java.util.List;
import lab.gradient.store.RunStore;

/**
 * How long a run will take on this server before it has timed its own steps: its estimated work per step
 * ({@link lab.gradient.training.Cost}, known at submission) times the seconds this server spent per unit of that work
 * in the runs it completed last (set-up, probes and evaluations included, as they recur): the same model's if it has
 * finished at least {@value #SAME_MODEL}, else every model's. Unknown (NaN) until this server has completed a run.
 */
final class ServerPace {
    static final int HISTORY = 30, SAME_MODEL = 3;
    private final List<RunStore.Pace> recent;

    private ServerPace(List<RunStore.Pace> recent) {
        this.recent = recent;
    }

    /** The pace as of now (one query; estimate many runs with it). */
    static ServerPace of(RunStore store) {
        return new ServerPace(store.recentPaces(HISTORY));
    }

    double secondsPerIteration(String model, double flopsPerIteration) {
        if (!(flopsPerIteration > 0)) return Double.NaN;
        List<RunStore.Pace> same = recent.stream().filter(p -> p.model().equals(model)).toList();
        double secondsPerFlop = median((same.size() >= SAME_MODEL ? same : recent).stream()
                // a training timed at zero (clock resolution) says nothing of the pace
                .filter(p -> p.flopsPerIteration() > 0 && p.secondsPerIteration() > 0)
                .mapToDouble(p -> p.secondsPerIteration() / p.flopsPerIteration()).toArray());
        return secondsPerFlop * flopsPerIteration;
    }

    static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
