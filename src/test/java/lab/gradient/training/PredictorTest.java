package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Generation that carries the recurrent state word by word says what reading the whole context again for every word
 * says (while the context fits the window both read), for every model that steps.
 */
class PredictorTest {
    static Corpus seedExamples;

    @BeforeAll
    static void load() {
        NativeBackend.warmUp();
        seedExamples = Presets.load("seed-examples", 0, 1);
    }

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"RNN", "LSTM", "RNN_RELU", "IRNN"})
    void steppingTheStateGeneratesWhatRereadingGenerates(ModelKind kind) {
        TrainingSettings s = new TrainingSettings().tunedFor(kind);
        s.hidden = 16;
        s.embedding = 8;
        s.window = 30;
        s.batch = 8;
        s.maxIterations = 60;
        TrainedModel model = new Trainer(seedExamples, kind, s).train(new TrainingObserver() {}, () -> false).model();
        Predictor predictor = new Predictor(model);
        String prefix = "marathi is spoken in";
        // 4 prefix words + up to 12 generated stay within the window of 30: both ways read the same context, and with
        // the same seed they sample the same words as long as their distributions agree
        Predictor.Generation stepped = predictor.generate(prefix, 12, 1.0, 7, true);
        Predictor.Generation reread = predictor.generate(prefix, 12, 1.0, 7, false);
        assertFalse(stepped.words().isEmpty(), "something is generated");
        assertEquals(reread.words(), stepped.words());
        // the state is cleared after each generation: asking again gives the same words
        assertEquals(stepped.words(), predictor.generate(prefix, 12, 1.0, 7, true).words());
        assertEquals(stepped.words(), predictor.generate(prefix, 12, 1.0, 7).words());
    }
}
