package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import lab.gradient.lessons.Lessons;
import lab.gradient.model.Run;
import org.junit.jupiter.api.Test;

/** Arms are named by what sets them apart, so two arms of one model never read the same. */
class ArmLabelsTest {
    static List<String> labelsOf(String lesson) {
        RunService.ExperimentSpec spec = ExperimentRequests.parse(Lessons.byId(lesson).orElseThrow().experiment(42), c -> Optional.empty(), l -> true);
        List<Run> runs = spec.arms().stream().map(a -> new Run("r", "e", 0, a.model().id, a.settings(),
                "o", null, "queued", null, null, null, 0, 0, null, null, null, Double.NaN, "r")).toList();
        return ArmLabels.of(runs);
    }

    @Test
    void theExplodingArmsAreNamedByTheirClipping() {
        assertEquals(List.of("rnn-relu, no clipping", "rnn-relu, clipped at 1.0"), labelsOf("exploding"));
    }

    @Test
    void theLearningRateArmsAreNamedByTheirRate() {
        assertEquals(List.of("rnn-relu, learning rate 0.5", "rnn-relu, learning rate 0.0003"), labelsOf("learning-rate"));
    }

    @Test
    void differentModelsShowOnlyWhatDiffers() {
        assertEquals(List.of("rnn, learning rate 0.01, W_h xavier", "irnn, learning rate 0.001, W_h identity"), labelsOf("irnn"));
        assertEquals(List.of("rnn", "lstm, forget bias 5.0"), labelsOf("vanishing"));
    }

    /** "rnn, 1 layers" (issue 33): one layer is one layer. */
    @Test
    void oneLayerIsSingular() {
        lab.gradient.training.TrainingSettings one = new lab.gradient.training.TrainingSettings(), two = one.copy();
        two.layers = 2;
        List<Run> runs = List.of(run("rnn", one), run("rnn", two));
        assertEquals(List.of("rnn, 1 layer", "rnn, 2 layers"), ArmLabels.of(runs));
    }

    static Run run(String model, lab.gradient.training.TrainingSettings s) {
        return new Run("r", "e", 0, model, s, "o", null, "queued", null, null, null, 0, 0, null, null, null, Double.NaN, "r");
    }
}
