package lab.gradient.runs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import lab.gradient.store.Json;
import lab.gradient.store.MetricSeries;
import lab.gradient.store.RunStore;
import lab.gradient.training.ModelKind;
import lab.gradient.training.TrainingSettings;

/** What a run's numbers say, in the words of the lecture notes: vanishing, exploding, or healthy. */
public final class RunDiagnosis {
    static final double VANISHED = 1e-3;
    static final double JUMP = 100;

    private RunDiagnosis() {}

    public static List<String> of(RunStore.Run run, List<RunStore.Flow> flows, MetricSeries metrics, boolean longRangeCorpus) {
        List<String> lines = new ArrayList<>();
        TrainingSettings settings = Json.read(run.settingsJson(), TrainingSettings.class);
        JsonNode summary = run.summaryJson() == null ? null : Json.read(run.summaryJson(), JsonNode.class);
        int divergedAt = summary == null ? -1 : summary.path("divergedAt").asInt(-1);
        if (summary != null && summary.path("budgetExhausted").asBoolean(false)) {
            lines.add("Stopped after " + summary.path("iterations").asInt() + " iterations: the run's time budget on this "
                    + "server ran out. Fewer iterations or a smaller model fit in it.");
        }
        if (divergedAt > 0) {
            lines.add("Diverged at iteration " + divergedAt + ": the loss or the gradient became NaN or infinite. "
                    + "Exploding — try gradient clipping or a smaller learning rate.");
        }
        jump(metrics).ifPresent(j -> lines.add(String.format(Locale.ROOT,
                "The gradient norm jumped %s× at iteration %d: exploding%s.", round(j[0]), (int) j[1],
                settings.clip == TrainingSettings.ClipMode.NONE ? " — try clipping" : "; clipping held the step at "
                        + settings.clipThreshold)));
        if (!flows.isEmpty()) {
            RunStore.Flow last = flows.get(flows.size() - 1);
            int d = summary != null && summary.has("flowDistance") ? summary.get("flowDistance").asInt() : last.norms().length - 1;
            d = Math.min(d, last.norms().length - 1);
            double ratio = last.norms()[d] / last.norms()[0];
            if (Double.isFinite(ratio) && ratio < VANISHED) {
                String who = ModelKind.of(run.model()).isLstm() && !longRangeCorpus
                        ? " On this text the LSTM learned to forget what lies that far back: that is a choice, not a failure."
                        : " Vanishing — the model cannot use that word.";
                lines.add("The gradient " + d + " steps back is " + power(ratio) + " of the last step's (iteration "
                        + last.iteration() + ")." + who);
            } else if (Double.isFinite(ratio) && ratio > 10) {
                lines.add("The gradient " + d + " steps back is " + power(ratio) + " times the last step's: the far-back word "
                        + "matters most here" + (ModelKind.of(run.model()).isLstm() ? " — the LSTM's cell carries it." : "."));
            } else if (Double.isFinite(ratio) && ratio < 0.1) {
                lines.add(String.format(Locale.ROOT, "The gradient %d steps back is only %s of the last step's: it is fading, "
                        + "so words that far back weigh little in what the model learns.", d, round(ratio)));
            } else if (Double.isFinite(ratio)) {
                lines.add(String.format(Locale.ROOT, "The gradient %d steps back is %s of the last step's: it still reaches far-back words.",
                        d, round(ratio)));
            }
        }
        if (summary != null && summary.path("longRangeAccuracy").isNumber() && Double.isFinite(summary.get("longRangeAccuracy").asDouble())) {
            lines.add(String.format(Locale.ROOT, "Long-range answers right: %.0f%%%s.", 100 * summary.get("longRangeAccuracy").asDouble(),
                    longRangeCorpus ? " (guessing would give 12%)" : ""));
        }
        if (lines.isEmpty()) lines.add(run.status().equals("queued") ? "Waiting for a free worker." : "Nothing unusual yet.");
        return lines;
    }

    /** The largest jump of the total gradient norm over the median of the 20 iterations before, if ≥ 100×. */
    static java.util.Optional<double[]> jump(MetricSeries metrics) {
        float[] norms = metrics.columns().get("gradNorm.total");
        if (norms == null || norms.length < 6) return java.util.Optional.empty();
        double best = 0;
        int at = -1;
        for (int i = 5; i < norms.length; i++) {
            float[] before = Arrays.copyOfRange(norms, Math.max(0, i - 20), i);
            Arrays.sort(before);
            double factor = norms[i] / before[before.length / 2];
            if (Double.isFinite(factor) && factor > best) {
                best = factor;
                at = metrics.iteration()[i];
            }
        }
        return best >= JUMP ? java.util.Optional.of(new double[] {best, at}) : java.util.Optional.empty();
    }

    /** 3.2e-7 → "10⁻⁷" (rounded to the nearest power of ten). */
    static String power(double ratio) {
        long exponent = Math.round(Math.log10(ratio));
        String digits = Long.toString(Math.abs(exponent));
        StringBuilder sup = new StringBuilder(exponent < 0 ? "⁻" : "");
        for (char c : digits.toCharArray()) sup.append("⁰¹²³⁴⁵⁶⁷⁸⁹".charAt(c - '0'));
        return "10" + sup;
    }

    private static String round(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2g", v);
    }
}
