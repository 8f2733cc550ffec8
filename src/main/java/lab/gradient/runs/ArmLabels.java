package lab.gradient.runs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import lab.gradient.model.Run;
import lab.gradient.training.TrainingSettings;

/**
 * Names each arm of an experiment by what sets it apart from the others: "rnn-relu, no clipping" beside "rnn-relu,
 * clipped at 1.0", "lstm, forget bias 3" beside "rnn". Settings all arms share are left out.
 */
public final class ArmLabels {
    private record Trait(String name, Function<TrainingSettings, String> words) {}

    private static final List<Trait> TRAITS = List.of(
            new Trait("clip", s -> s.clip == TrainingSettings.ClipMode.NONE ? "no clipping"
                    : "clipped at " + number(s.clipThreshold) + (s.clip == TrainingSettings.ClipMode.NORM ? "" : " (" + TrainingSettings.lower(s.clip) + ")")),
            new Trait("learningRate", s -> "learning rate " + number(s.learningRate)),
            new Trait("optimizer", s -> TrainingSettings.lower(s.optimizer)),
            new Trait("init", s -> "W_h " + TrainingSettings.lower(s.init) + (s.initScale == 1 ? "" : " ×" + number(s.initScale))),
            new Trait("forgetBias", s -> "forget bias " + number(s.forgetBias)),
            new Trait("hidden", s -> s.hidden + " hidden"),
            new Trait("layers", s -> s.layers + (s.layers == 1 ? " layer" : " layers")),
            new Trait("seed", s -> "seed " + s.seed));

    private ArmLabels() {}

    public static List<String> of(List<Run> runs) {
        List<TrainingSettings> settings = runs.stream().map(r -> r.settings()).toList();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            StringBuilder label = new StringBuilder(runs.get(i).model());
            for (Trait trait : TRAITS) {
                String mine = trait.words().apply(settings.get(i));
                boolean differs = settings.stream().anyMatch(s -> !trait.words().apply(s).equals(mine));
                if (differs && !(trait.name().equals("forgetBias") && !runs.get(i).model().equals("lstm"))) {
                    label.append(", ").append(mine);
                }
            }
            labels.add(label.toString());
        }
        return labels;
    }

    /** 1.0 → "1.0", 0.00030 → "0.0003": three significant digits, no trailing zeros. */
    private static String number(double v) {
        if (v == Math.rint(v)) return String.format(Locale.ROOT, "%.1f", v);
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
