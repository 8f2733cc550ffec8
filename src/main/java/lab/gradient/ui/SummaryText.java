package lab.gradient.ui;

import java.util.Locale;
import java.util.function.ToDoubleFunction;
import lab.gradient.model.Run;
import lab.gradient.training.TrainingResult;

/** One number of a run's summary as grid text: blank when missing, scientific when tiny or huge, counts as counts. */
final class SummaryText {
    private SummaryText() {}

    static String of(Run run, ToDoubleFunction<TrainingResult.Summary> value) {
        return run.summary() == null ? "" : format(value.applyAsDouble(run.summary()));
    }

    static String count(Run run, ToDoubleFunction<TrainingResult.Summary> value) {
        return run.summary() == null ? "" : String.valueOf((long) value.applyAsDouble(run.summary()));
    }

    static String format(double x) {
        if (!Double.isFinite(x)) return "";
        boolean scientific = x != 0 && (Math.abs(x) < 1e-2 || Math.abs(x) >= 1e4);
        return String.format(Locale.ROOT, scientific ? "%.2e" : "%.3f", x);
    }
}
