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

    /** What a row says for long-range accuracy where its sentences have no long-range answers to be right about. */
    static final String NO_LONG_RANGE_TASK = "—";
    static final String NO_LONG_RANGE_TASK_TIP = "Plain sentences have no long-range answers: only the long-range task has this accuracy";

    /** The run's long-range accuracy, shown only where its task has one (the long-range preset). */
    static String longRangeAccuracy(Run run, boolean longRangeTask) {
        return longRangeTask ? of(run, TrainingResult.Summary::longRangeAccuracy) : NO_LONG_RANGE_TASK;
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
