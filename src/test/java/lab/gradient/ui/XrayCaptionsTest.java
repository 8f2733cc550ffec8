package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Duration;
import java.util.List;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunServiceTest;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.NativeBackend;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Texts true for the model they describe (issue 32): a ReLU RNN's x-ray is not captioned with tanh's saturation and
 * its hidden state is not drawn on tanh's [−1, 1]; the experiment page's spectral chart shows σ_max beside ρ and says
 * which of them bounds the product. Karibu, a real (tiny) training.
 */
class XrayCaptionsTest {
    KaribuApp app;
    String experiment;

    @BeforeEach
    void trainAReluRnn() throws Exception {
        NativeBackend.warmUp();
        app = new KaribuApp(1);
        app.runs.start();
        TrainingSettings s = RunServiceTest.tiny(20).tunedFor(ModelKind.RNN_RELU);
        s.seed = RunServiceTest.freshSeed();
        experiment = app.runs.submit(new RunService.ExperimentSpec("relu x-ray", null, CorpusSpec.ofPreset("seed-examples", null),
                List.of(new RunService.Arm(ModelKind.RNN_RELU, s)), null), "student").experimentId();
        app.runs.awaitEnded(experiment, Duration.ofMinutes(2));
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    @Test
    void aReluRnnsXrayAndSpectrumSayWhatHoldsForIt() {
        UI.getCurrent().navigate("experiments/" + experiment);
        _setValue(_get(TextField.class, spec -> spec.withId("xray-text")), "Marathi is spoken in");
        _click(_get(Button.class, spec -> spec.withId("xray-go")));
        Div column = _get(Div.class, spec -> spec.withClasses("gl-xray"));
        Div hidden = (Div) _get(column, Chart.class, spec -> spec.withClasses("xray-hidden")).getParent().orElseThrow();
        String caption = _get(hidden, Paragraph.class).getText();
        assertFalse(caption.contains("tanh"), caption);
        assertTrue(caption.contains("A unit at 0 is off"), caption);
        JsonNode option = SentenceXrayTest.option(column, "xray-hidden");
        assertEquals(0.0, option.at("/visualMap/min").asDouble(), "ReLU's states start at 0, not −1");
        assertTrue(option.at("/series").size() == 1, "no saturation dots: ReLU does not saturate");

        // the heatmap's scale runs dark blue (vanished) to red (issue 33: its caption said "dark is vanished")
        String heatmap = _get(Paragraph.class, spec -> spec.withId("caption-heatmap")).getText();
        assertTrue(heatmap.contains("dark blue is vanished, red is the strongest"), heatmap);
        assertEquals("#0b3c8c", ChartOptions.heatmap(List.of(0), List.of(new double[] {1, 1e-3})).at("/visualMap/inRange/color/0").asText());
        Paragraph spectral = _get(Paragraph.class, spec -> spec.withId("caption-spectral"));
        assertTrue(spectral.getText().contains("with σ_max < 1 the product must shrink"), spectral.getText());
        assertFalse(spectral.getText().contains("Below 1 the product of factors must shrink"), spectral.getText());
        List<String> series = new java.util.ArrayList<>();
        String run = app.runs.runsOfExperiment(experiment).get(0).id();
        JsonNode chart = ExperimentCharts.spectral(List.of(new ExperimentCharts.Arm("ReLU RNN", "#1c7ed6", app.runs.metrics(run),
                app.runs.records(run))));
        chart.get("series").forEach(s -> series.add(s.get("name").asText()));
        assertTrue(series.stream().anyMatch(n -> n.contains("σ_max")) && series.stream().anyMatch(n -> n.contains("ρ")), series.toString());
    }

    /** The next-word box starts with words of the run's own corpus (issue 33: "marathi is spoken in" on long-range was "never seen"). */
    @Test
    void theNextWordBoxStartsWithTheRunsOwnWords() {
        TrainingSettings s = RunServiceTest.tiny(5).tunedFor(ModelKind.RNN);
        String longRange = app.runs.submit(new RunService.ExperimentSpec("long-range words", null, CorpusSpec.ofPreset("long-range", 8),
                List.of(new RunService.Arm(ModelKind.RNN, s)), null), "student").experimentId();
        UI.getCurrent().navigate("experiments/" + longRange);
        String prefix = _get(TextField.class, spec -> spec.withId("prefix")).getValue();
        java.util.Set<String> words = new java.util.HashSet<>();
        CorpusSpec.ofPreset("long-range", 8).load(s.seed).sentences().forEach(sentence -> words.addAll(sentence.words()));
        assertFalse(prefix.isBlank());
        for (String word : prefix.toLowerCase(java.util.Locale.ROOT).split("\\s+")) assertTrue(words.contains(word), word + " in '" + prefix + "'");
    }
}
