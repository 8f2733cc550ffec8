package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.gradient.store.MetricSeries;
import lab.gradient.store.RunStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.Test;

/** What the page says of runs that never got to train: the queue, and a failure in words. */
class RunDiagnosisTest {
    static RunStore.Run run(String status, String error) {
        return run(status, error, null);
    }

    static RunStore.Run run(String status, String error, String cancelledBy) {
        return new RunStore.Run("r1", "e1", 0, "rnn", new TrainingSettings(), "owner", "lab1", status, null, null, null,
                40, 300, null, error, cancelledBy, Double.NaN, "r1");
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

    /** A run someone stopped says who, and one the server's stop cut short says what happened and what to do. */
    @Test
    void anEndedRunSaysWhoEndedItOrWhatHappened() {
        assertEquals("Cancelled by the lab's teacher after 40 of 300 iterations; what it recorded is kept.",
                diagnose(run("cancelled", null, "teacher")).text());
        assertEquals("Cancelled by whoever started it after 40 of 300 iterations; what it recorded is kept.",
                diagnose(run("cancelled", null, "owner")).text());
        String interrupted = diagnose(run("interrupted", null)).text();
        assertTrue(interrupted.startsWith("Interrupted after 40 iterations: the server stopped") && interrupted.contains("Fork"), interrupted);
    }
}
