package lab.gradient.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import lab.gradient.training.TrainingResult;

/**
 * What a student would read off each chart of an experiment, in words: the numbers at the end of each arm's lines,
 * the text a screen reader reads for a chart (a chart has no other text alternative) and a student can copy. From
 * each run's summary: the same numbers My runs, Compare and the CSV give.
 */
final class ChartSummaries {
    private ChartSummaries() {}

    /** One arm: its label and its run's summary (null while it trains). */
    record Arm(String label, TrainingResult.Summary summary) {}

    static String loss(List<Arm> arms) {
        return "At the end, training loss per word (mean of the last 20 steps): " + each(arms, TrainingResult.Summary::trainLoss)
                + "; validation loss: " + each(arms, TrainingResult.Summary::valLoss) + ".";
    }

    static String gradNorm(List<Arm> arms) {
        List<String> parts = new ArrayList<>();
        for (Arm a : arms) {
            TrainingResult.Summary s = a.summary();
            parts.add(a.label() + " " + (s == null ? "still training" : number(s.maxGradNorm()) + (s.divergedAt() > 0
                    ? ", diverged at iteration " + s.divergedAt() : ", " + s.explodingEvents() + " exploding step" + (s.explodingEvents() == 1 ? "" : "s"))));
        }
        return "Largest gradient norm ‖∂L/∂w‖ over training: " + String.join("; ", parts) + ".";
    }

    static String flow(List<Arm> arms) {
        List<String> parts = new ArrayList<>();
        for (Arm a : arms) {
            TrainingResult.Summary s = a.summary();
            parts.add(a.label() + (s == null ? " still training" : " " + number(s.initialFlowRatio()) + " at iteration 0, "
                    + number(s.gradientFlowRatio()) + " at the last probe (d = " + s.flowDistance() + ")"));
        }
        return "How much of the gradient reaches d steps back, g(d)/g(0): " + String.join("; ", parts) + ".";
    }

    static String spectral(List<Arm> arms) {
        return "Spectral radius ρ(W_h) of the first recurrent matrix at the last probe: " + each(arms, TrainingResult.Summary::spectralRadius)
                + " (an LSTM's is not measured).";
    }

    private static String each(List<Arm> arms, ToDoubleFunction<TrainingResult.Summary> value) {
        List<String> parts = new ArrayList<>();
        for (Arm a : arms) {
            TrainingResult.Summary s = a.summary();
            parts.add(a.label() + " " + (s == null ? "still training" : number(value.applyAsDouble(s))));
        }
        return String.join(", ", parts);
    }

    /** Three significant digits, as a student reads a chart: 0.00640, 7.04, 1.17e+05; "not measured" for NaN. */
    static String number(double x) {
        if (!Double.isFinite(x)) return "not measured";
        boolean scientific = x != 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5);
        return String.format(Locale.ROOT, scientific ? "%.2e" : "%.3g", x);
    }
}
