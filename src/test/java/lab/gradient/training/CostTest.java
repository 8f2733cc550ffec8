package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cost check's decisions on runs whose size is known; CostBenchmark holds its estimates to measured seconds. */
class CostTest {
    static final Cost.Limits SERVER = new Cost.Limits(2, 1L << 30, 256L << 20); // scripts/jvm.options: a 1 GiB heap

    static TrainingSettings wideBatch() {
        TrainingSettings s = new TrainingSettings().tunedFor(ModelKind.RNN);
        s.hidden = 8;
        s.embedding = 8;
        s.window = 200;
        s.batch = 1024;
        return s;
    }

    @Test
    void ourEnginesArraysAreHeldToTheirShareOfTheHeap() {
        CorpusSpec corpus = CorpusSpec.ofPreset("english-prose", null);
        TrainingSettings s = wideBatch();
        Cost cost = Cost.of(ModelKind.RNN, s, corpus.requireTrainable(s));
        // 204,800 rows of logits over the vocabulary, on the heap: fast enough, and under the run's 1 GiB in all
        assertTrue(cost.heapBytes() > 256L << 20 && cost.bytes() < 1L << 30, cost.toString());
        SettingsException refused = assertThrows(SettingsException.class, () -> cost.require("arms[0].hidden", 600, SERVER));
        assertEquals("arms[0].hidden", refused.field());
        assertTrue(refused.getMessage().contains("of the server's heap"), refused.getMessage());
        // a quarter of the window fits
        s.window = 50;
        assertDoesNotThrow(() -> Cost.of(ModelKind.RNN, s, corpus.requireTrainable(s)).require("arms[0].hidden", 600, SERVER));
    }

    /** The check runs DL4J's slower pass over 32 of the batch's windows: it costs more than a step of those 32 alone. */
    @Test
    void theFirstStepsCheckIsPricedAtDl4jsRate() {
        CorpusSpec corpus = CorpusSpec.ofPreset("english-prose", null);
        TrainingSettings s = wideBatch();
        s.window = 50;
        s.batch = Network.CHECK_WINDOWS;
        Cost cost = Cost.of(ModelKind.RNN_SKIP, s, corpus.requireTrainable(s));
        assertTrue(cost.heapBytes() > 0, cost.toString());
        assertTrue(cost.checkSeconds() > 1.5 * cost.stepSeconds(), cost.toString());
    }
}
