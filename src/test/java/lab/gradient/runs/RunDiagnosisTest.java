package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import lab.gradient.store.MetricSeries;
import lab.gradient.store.RunStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.Test;

/** What the page says of runs that never got to train: the queue, and a failure in words. */
class RunDiagnosisTest {
    static RunStore.Run run(String status, String error) {
        return new RunStore.Run("r1", "e1", 0, "rnn", new TrainingSettings(), "owner", null, status, null, null, null,
                0, 0, null, error);
    }

    static RunDiagnosis.Diagnosis diagnose(RunStore.Run run) {
        return RunDiagnosis.of(run, CorpusSpec.ofPreset("seed-examples", null), List.of(), List.of(), List.of(), MetricSeries.empty());
    }

    @Test
    void aFailedRunSaysWhyInWords() {
        RunDiagnosis.Diagnosis d = diagnose(run("failed", "corpus: needs at least one sentence of two words; found 2 tokens"));
        assertNull(d.regime());
        assertEquals("Training failed: corpus: needs at least one sentence of two words; found 2 tokens", d.text());
    }

    @Test
    void aQueuedRunWaits() {
        assertEquals("Waiting for a free worker.", diagnose(run("queued", null)).text());
    }
}
