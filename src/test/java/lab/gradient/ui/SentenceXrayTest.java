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
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Duration;
import java.util.List;
import lab.gradient.model.Json;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunServiceTest;
import lab.gradient.store.Database;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.NativeBackend;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sentence x-ray on an experiment's page, as a student uses it (Karibu): two trained models, one sentence. */
class SentenceXrayTest {
    KaribuApp app;
    Database database;
    RunService runs;
    String experiment;

    @BeforeEach
    void trainTwoModels() throws Exception {
        NativeBackend.warmUp();
        app = new KaribuApp(1);
        database = app.database;
        runs = app.runs;
        runs.start();
        List<RunService.Arm> arms = List.of(ModelKind.RNN, ModelKind.LSTM).stream().map(k -> {
            TrainingSettings s = RunServiceTest.tiny(20).tunedFor(k);
            s.seed = RunServiceTest.freshSeed();
            return new RunService.Arm(k, s);
        }).toList();
        experiment = runs.submit(new RunService.ExperimentSpec("x-ray", null, CorpusSpec.ofPreset("seed-examples", null), arms, null),
                "student").experimentId();
        runs.awaitEnded(experiment, Duration.ofMinutes(2));
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    @Test
    void aStudentXraysASentenceOfTheCorpusAndEachModelShowsItsWordsFactorsAndStates() {
        UI.getCurrent().navigate("experiments/" + experiment);
        TextField text = _get(TextField.class, spec -> spec.withId("xray-text"));
        assertFalse(text.getValue().isBlank(), "the sentence starts as one of the run's own corpus");
        _setValue(text, "Marathi is spoken in");
        _click(_get(Button.class, spec -> spec.withId("xray-go")));

        List<Div> columns = _find(Div.class, spec -> spec.withClasses("gl-xray"));
        assertEquals(2, columns.size());
        for (Div column : columns) {
            // the four words, each shaded by how much the prediction used it
            Div words = _get(column, Div.class, spec -> spec.withClasses("gl-xray-words"));
            List<Span> shaded = _find(words, Span.class).stream().filter(s -> s.getElement().hasAttribute("data-saliency")).toList();
            assertEquals(List.of("marathi", "is", "spoken", "in"), shaded.stream().map(Span::getText).toList());
            assertEquals(1.0, shaded.stream().mapToDouble(s -> Double.parseDouble(s.getElement().getAttribute("data-saliency"))).max().orElse(0), 1e-9);
            JsonNode saliency = option(column, "xray-saliency");
            assertEquals(4, saliency.at("/series/0/data").size());
            JsonNode factors = option(column, "xray-factors");
            assertEquals(1.0, factors.at("/series/1/data/3").asDouble(), "the product is 1 at the last word");
        }
        // the RNN shows its hidden state with saturation marked, the LSTM its gates
        assertEquals(4 * 8, option(columns.get(0), "xray-hidden").at("/series/0/data").size(), "8 units × 4 words");
        assertTrue(_find(columns.get(0), Chart.class, spec -> spec.withClasses("xray-forget")).isEmpty());
        for (String gate : List.of("xray-gates", "xray-forget", "xray-input", "xray-output")) option(columns.get(1), gate);
        JsonNode gates = option(columns.get(1), "xray-gates");
        assertEquals(4, gates.get("series").size(), "forget, input, output and the cell's size");
        assertEquals(1, gates.at("/series/3/yAxisIndex").asInt(), "the cell on its own axis");
        assertEquals(4, gates.at("/series/3/data").size());

        // a word the model never saw is refused in words, per model
        _setValue(_get(TextField.class, spec -> spec.withId("xray-target")), "zanzibar");
        _click(_get(Button.class, spec -> spec.withId("xray-go")));
        for (Div column : _find(Div.class, spec -> spec.withClasses("gl-xray"))) {
            assertTrue(_get(column, Paragraph.class).getText().contains("not a word this model knows"));
        }
    }

    static JsonNode option(Div column, String chartClass) {
        try {
            return Json.MAPPER.readTree(_get(column, Chart.class, spec -> spec.withClasses(chartClass)).option());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
