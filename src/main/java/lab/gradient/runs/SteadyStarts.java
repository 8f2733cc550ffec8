package lab.gradient.runs;

import java.util.HashMap;
import java.util.Map;

/**
 * A waiting run's start times as a student sees them, steadied: each new forecast (once a second) moves them a third of
 * the way from what was shown, as moments rather than "in n s", so an estimate settles instead of jumping with every
 * run that ends early or late.
 */
final class SteadyStarts {
    static final double STEADYING = 1.0 / 3;

    /** Each waiting run's start (median, earliest, latest) as a moment in seconds, as last shown. */
    private Map<String, double[]> shown = Map.of();

    synchronized Map<String, QueueForecast.Place> steady(Map<String, QueueForecast.Place> fresh, double nowSeconds) {
        Map<String, double[]> kept = new HashMap<>();
        Map<String, QueueForecast.Place> out = new HashMap<>();
        fresh.forEach((id, p) -> {
            double[] at = {nowSeconds + p.startsInSeconds(), nowSeconds + p.earliestSeconds(), nowSeconds + p.latestSeconds()};
            double[] before = shown.get(id);
            for (int k = 0; k < 3 && before != null; k++) {
                if (Double.isFinite(before[k]) && Double.isFinite(at[k])) at[k] = before[k] + STEADYING * (at[k] - before[k]);
            }
            kept.put(id, at);
            out.put(id, p.withTimes(Math.max(0, at[0] - nowSeconds), Math.max(0, at[1] - nowSeconds), Math.max(0, at[2] - nowSeconds)));
        });
        shown = kept;
        return out;
    }
}
