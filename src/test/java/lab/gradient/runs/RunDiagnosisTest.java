package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.gradient.model.Flow;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Run;
import lab.gradient.model.Spectrum;
import lab.gradient.model.Validation;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.Test;

/** What the page says of runs that never got to train: the queue, and a failure in words. */
class RunDiagnosisTest {
    static Run run(String status, String error) {
        return run(status, error, null);
    }

    static Run run(String status, String error, String cancelledBy) {
        return new Run("r1", "e1", 0, "rnn", new TrainingSettings(), "owner", "lab1", status, null, null, null,
                40, 300, null, error, cancelledBy, Double.NaN, "r1");
    }

    static RunDiagnosis.Diagnosis diagnose(Run run) {
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

    /** The vanishing RNN's g(d)/g(0) = 0.006 was printed "10⁻²": a ratio is shown as read off the chart (issue 32). */
    @Test
    void aVanishedRatioIsPrintedAsItIsNotRoundedToAPowerOfTen() {
        assertEquals("0.006", RunDiagnosis.power(0.006));
        assertEquals("0.0064", RunDiagnosis.power(0.006397));
        assertEquals("3.2×10⁻⁷", RunDiagnosis.power(3.2e-7));
        assertEquals("10⁻⁵", RunDiagnosis.power(1e-5));
        assertEquals("0.01", RunDiagnosis.power(0.01));
    }

    /** Probes whose g(d)/g(0) swings at ρ ≥ 1.5: erratic, and why it has not exploded depends on the activation (issue 32). */
    static RunDiagnosis.Diagnosis erratic(String model) {
        TrainingSettings s = new TrainingSettings();
        Run run = new Run("r1", "e1", 0, model, s, "owner", null, "running", null, null, null,
                200, 300, null, null, null, Double.NaN, "r1");
        int d = s.window - 1;
        List<Flow> flows = new java.util.ArrayList<>();
        double[] ratios = {0.5, 0.3, 0.01 * 5, 2.0, 0.05};
        for (int i = 0; i < ratios.length; i++) {
            double[] norms = new double[s.window];
            java.util.Arrays.fill(norms, 1);
            norms[d] = ratios[i];
            flows.add(new Flow(i * 50, norms));
        }
        List<Spectrum> spectra = List.of(new Spectrum(200, java.util.Map.of("rnn1.W_h",
                new lab.gradient.training.RecurrentSpectrum.Values(2.0, 3.0))));
        return RunDiagnosis.of(run, CorpusSpec.ofPreset("seed-examples", null), flows, spectra, List.of(), MetricSeries.empty());
    }

    @Test
    void onlyATanhRnnIsSaidToBeHeldBackByTanhsSaturation() {
        RunDiagnosis.Diagnosis tanh = erratic("rnn");
        assertEquals(lab.gradient.training.Regime.ERRATIC, tanh.regime());
        assertTrue(tanh.text().contains("tanh's saturation keeps it from exploding"), tanh.text());
        for (String relu : List.of("rnn-relu", "rnn-leaky", "irnn")) {
            RunDiagnosis.Diagnosis d = erratic(relu);
            assertEquals(lab.gradient.training.Regime.ERRATIC, d.regime());
            assertTrue(!d.text().contains("tanh") && d.text().contains("ReLU does not saturate"), relu + ": " + d.text());
        }
    }

    /** Guessing one of the long-range preset's answers is right 1 time in 8: the line says 12.5%, as Presets does. */
    @Test
    void theChanceLevelIsThePresetsOwn() {
        TrainingSettings s = new TrainingSettings();
        Run run = new Run("r1", "e1", 0, "lstm", s, "owner", null, "completed", null, null, null,
                300, 300, null, null, null, Double.NaN, "r1");
        List<Validation> v = List.of(new Validation(300, 1, 2.0, 7.4, 0.3, 0.6, 0.75));
        RunDiagnosis.Diagnosis d = RunDiagnosis.of(run, CorpusSpec.ofPreset("long-range", 20), List.of(), List.of(), v, MetricSeries.empty());
        assertEquals(0.125, lab.gradient.training.Presets.longRangeGuessing());
        assertTrue(d.lines().contains("Long-range answers right: 75% (guessing one of the answers gives 12.5%)."), d.lines().toString());
    }

    /** g(d)/g(0) at each probe, for a run of {@code model} with {@code settings} (ratios[0] at iteration 0). */
    static List<Flow> flows(TrainingSettings s, double... ratios) {
        List<Flow> flows = new java.util.ArrayList<>();
        for (int i = 0; i < ratios.length; i++) {
            double[] norms = new double[s.window];
            java.util.Arrays.fill(norms, 1);
            norms[s.window - 1] = ratios[i];
            flows.add(new Flow(i * 50, norms));
        }
        return flows;
    }

    /** The LSTM's far-back gradient rose 0.15 → 1.4 beside a caption that said "stays level": the text says it grew and why. */
    @Test
    void aFarBackGradientThatGrewIsSaidToHaveGrown() {
        TrainingSettings s = new TrainingSettings();
        Run run = new Run("r1", "e1", 0, "lstm", s, "owner", null, "completed", null, null, null,
                300, 300, null, null, null, Double.NaN, "r1");
        RunDiagnosis.Diagnosis d = RunDiagnosis.of(run, CorpusSpec.ofPreset("seed-examples", null), flows(s, 0.15, 0.6, 1.4), List.of(),
                List.of(), MetricSeries.empty());
        assertEquals(lab.gradient.training.Regime.HEALTHY, d.regime());
        assertTrue(d.text().contains("is 1.4 of the last step's, up from 0.15 at iteration 0") && d.text().contains("learned that it matters"),
                d.text());
    }

    /** The clipped arm of the exploding lesson read as a failure: the text names what clipping did, and the loss it kept falling. */
    @Test
    void aClippedExplosionSaysWhatClippingDid() {
        TrainingSettings s = new TrainingSettings();
        s.clip = TrainingSettings.ClipMode.NORM;
        s.clipThreshold = 1.0;
        Run run = new Run("r1", "e1", 1, "rnn-relu", s, "owner", null, "completed", null, null, null,
                60, 60, null, null, null, Double.NaN, "r1");
        int[] iterations = new int[60];
        float[] norms = new float[60], losses = new float[60];
        for (int i = 0; i < 60; i++) {
            iterations[i] = i + 1;
            norms[i] = i == 40 ? 5000f : 2f;
            losses[i] = 6.3f - 2f * i / 59;
        }
        MetricSeries metrics = new MetricSeries(iterations, java.util.Map.of("gradNorm.total", norms, "loss", losses));
        RunDiagnosis.Diagnosis d = RunDiagnosis.of(run, CorpusSpec.ofPreset("english-prose", null), List.of(), List.of(), List.of(), metrics);
        assertEquals(lab.gradient.training.Regime.EXPLODING, d.regime());
        assertTrue(d.text().startsWith("Exploding, held by clipping: the raw gradient norm jumped 2,500× at iteration 41; every step's "
                + "gradient was clipped to norm 1.0, and the training loss went from 6.")
                && d.text().endsWith(" to 4.6."), d.text());
    }
}
