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

    /** A small model of this kind trained briefly on the seed examples, with window T = {@code window}. */
    static TrainedModel trained(ModelKind kind, int window, int iterations) {
        TrainingSettings s = new TrainingSettings().tunedFor(kind);
        s.hidden = 16;
        s.embedding = 8;
        s.window = window;
        s.batch = 8;
        s.maxIterations = iterations;
        return new Trainer(seedExamples, kind, s).train(new TrainingObserver() {}, () -> false).model();
    }

    @ParameterizedTest
    @EnumSource(ModelKind.class)
    void steppingTheStateGeneratesWhatRereadingGenerates(ModelKind kind) {
        TrainedModel model = trained(kind, 30, 60);
        Predictor predictor = new Predictor(model);
        String prefix = "marathi is spoken in";
        // 4 prefix words + up to 12 generated stay within the window of 30: both ways read the same context, and with
        // the same seed they sample the same words as long as their distributions agree
        Generation stepped = predictor.generate(prefix, 12, 1.0, 7, true);
        Generation reread = predictor.generate(prefix, 12, 1.0, 7, false);
        assertFalse(stepped.words().isEmpty(), "something is generated");
        assertEquals(reread.words(), stepped.words());
        // the state is cleared after each generation: asking again gives the same words
        assertEquals(stepped.words(), predictor.generate(prefix, 12, 1.0, 7, true).words());
        assertEquals(stepped.words(), predictor.generate(prefix, 12, 1.0, 7).words());
    }

    /**
     * Past the window the engine drops its oldest steps and carries on: a continuation longer than the window says what
     * DL4J's rnnTimeStep says, which carries its state without end.
     */
    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"RNN", "LSTM", "RNN_LEAKY"})
    void aContinuationLongerThanTheWindowCarriesTheStateAsDl4jDoes(ModelKind kind) {
        TrainedModel model = trained(kind, 6, 30);
        org.deeplearning4j.nn.graph.ComputationGraph graph = model.network().model;
        int[] words = {5, 9, 2, 7, 3, 11, 4, 8, 6, 10, 1, 12, 5, 9, 2}; // 15 words through a window of 6
        lab.gradient.training.engine.RecurrentEngine engine = model.reader();
        float[] p = new float[model.vocabulary().size()];
        engine.startReading();
        graph.rnnClearPreviousState();
        for (int t = 0; t < words.length; t++) {
            engine.read(words[t], p);
            org.nd4j.linalg.api.ndarray.INDArray dl4j = graph.rnnTimeStep(org.nd4j.linalg.factory.Nd4j.create(
                    new float[] {words[t]}, new long[] {1, 1}))[0];
            for (int v = 0; v < p.length; v++) assertEquals(dl4j.getDouble(0, v), p[v], 1e-5, kind + " word " + t + ", p(" + v + ")");
        }
        graph.rnnClearPreviousState();
    }
}
