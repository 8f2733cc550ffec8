package lab.gradient.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import lab.gradient.store.Json;
import lab.gradient.store.RunStore;

/** One number of a run's summary as grid text: blank when missing, scientific when tiny or huge, counts as counts. */
final class SummaryText {
    private SummaryText() {}

    static String of(RunStore.Run run, String field) {
        if (run.summaryJson() == null) return "";
        JsonNode v = Json.read(run.summaryJson(), JsonNode.class).get(field);
        if (v == null || !v.isNumber()) return "";
        return v.isIntegralNumber() ? String.valueOf(v.asLong()) : format(v.asDouble());
    }

    static String format(double x) {
        if (!Double.isFinite(x)) return "";
        boolean scientific = x != 0 && (Math.abs(x) < 1e-2 || Math.abs(x) >= 1e4);
        return String.format(Locale.ROOT, scientific ? "%.2e" : "%.3f", x);
    }
}
