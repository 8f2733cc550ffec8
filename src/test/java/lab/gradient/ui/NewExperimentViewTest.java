package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.QueryParameters;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.Lessons;
import lab.gradient.model.Json;
import lab.gradient.model.Run;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The New experiment form without a browser (Karibu): live counts, the API's own refusals, and a real submission. */
class NewExperimentViewTest {
    KaribuApp app;
    Database database;
    IssuedTokens tokens;
    RunService runs;

    @BeforeEach
    void setUp() {
        app = new KaribuApp(1);
        database = app.database;
        tokens = app.tokens;
        runs = app.runs;
        UI.getCurrent().navigate(NewExperimentView.class);
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    @Test
    void countsFollowTheText() {
        _setValue(_get(TextArea.class, spec -> spec.withId("corpus-text")), "Marathi is spoken in Maharashtra. Tamil is spoken in Tamilnadu.");
        assertEquals("2 sentences · 12 tokens · 7 distinct words", _get(NewExperimentView.class).counts.getText());
    }

    /** A preset shows what it is before anyone trains on it: its counts and its first sentences. */
    @Test
    void aPickedPresetShowsItsSentences() {
        NewExperimentView view = _get(NewExperimentView.class);
        _setValue(view.source, "long-range");
        String preview = view.counts.getText();
        assertTrue(view.counts.isVisible() && preview.matches("\\d+ sentences · \\d+ tokens · \\d+ distinct words\\. For example: .+ …"), preview);
    }

    @Test
    void theFormRefusesWhatTheApiRefusesWithTheSameWords() {
        NewExperimentView view = _get(NewExperimentView.class);
        _setValue(_get(TextArea.class, spec -> spec.withId("corpus-text")), "Marathi is spoken in Maharashtra.");
        _setValue(_get(IntegerField.class, spec -> spec.withId("hidden")), 5000);
        _click(_get(Button.class, spec -> spec.withId("train")));
        SettingsException api = org.junit.jupiter.api.Assertions.assertThrows(SettingsException.class,
                () -> ExperimentRequests.parse(view.request()));
        // the same reason; the page names the field by its label, the API by its path
        assertEquals("Hidden units: " + api.reason(), _get(Span.class, spec -> spec.withId("form-error")).getText());
        assertEquals("training.hidden", api.field());
        assertEquals("Epochs of model 2", FieldWords.of("arms[1].epochs"));
        assertEquals("Model 1", FieldWords.of("arms[0]"));
        assertTrue(runs.findRuns("anyone", null, null, null, null, 10, 0).isEmpty());
    }

    static Stream<String> lessonIds() {
        return Lessons.all().stream().map(Lesson::id);
    }

    /** A lesson's button starts exactly the lesson's definition: every arm's settings, the corpus, the lesson's tag. */
    @ParameterizedTest
    @MethodSource("lessonIds")
    void aLessonButtonStartsExactlyTheLesson(String id) {
        Lesson lesson = Lessons.byId(id).orElseThrow();
        _click(_get(Button.class, spec -> spec.withId("lesson-" + id)));
        ExperimentView experiment = _get(ExperimentView.class);
        assertEquals(id, experiment.experiment.lesson());
        RunService.ExperimentSpec expected = ExperimentRequests.parse(lesson.experiment(42), code -> Optional.empty(), l -> true);
        assertEquals(expected.corpus(), experiment.experiment.corpus());
        assertEquals(expected.arms().size(), experiment.experimentRuns.size());
        for (int i = 0; i < expected.arms().size(); i++) {
            Run run = experiment.experimentRuns.get(i);
            assertEquals(expected.arms().get(i).model().id, run.model());
            assertEquals(Json.write(expected.arms().get(i).settings()), Json.write(run.settings()), id + " arm " + i);
        }
        if (id.equals("irnn")) {
            TrainingSettings irnn = experiment.experimentRuns.get(1).settings();
            assertEquals(TrainingSettings.Init.IDENTITY, irnn.init);
        }
        if (id.equals("skip")) assertEquals("rnn-skip", experiment.experimentRuns.get(1).model());
        assertTrue(experiment.lessonBox.isVisible());
    }

    /** A field the user did not touch never overrides a model's own defaults: an irnn arm keeps its identity start. */
    @Test
    void untouchedFieldsLeaveEachModelItsOwnDefaults() {
        NewExperimentView view = _get(NewExperimentView.class);
        _setValue(_get(TextArea.class, spec -> spec.withId("corpus-text")), "Marathi is spoken in Maharashtra. Tamil is spoken in Tamilnadu.");
        view.armRows.get(1).model.setValue("irnn");
        RunService.ExperimentSpec spec = ExperimentRequests.parse(view.request());
        TrainingSettings irnn = spec.arms().get(1).settings();
        assertEquals(TrainingSettings.Init.IDENTITY, irnn.init);
        assertEquals(0.001, irnn.learningRate, 1e-12);
        assertEquals(new TrainingSettings().epochs, irnn.epochs, "the form sends no epochs the user did not set");
    }

    /** Fork then Train, touching nothing: the same settings, the seed a long as stored. */
    @Test
    void aForkTrainsWithExactlyTheForkedSettings() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("corpus").put("preset", "long-range").put("distance", 12);
        body.putObject("training").put("seed", 9_000_000_000_123L).put("maxIterations", 3);
        body.putArray("arms").addObject().put("model", "irnn");
        ((ArrayNode) body.get("arms")).addObject().put("model", "lstm").put("forgetBias", 2.5).putObject("clip").put("mode", "norm").put("threshold", 0.5);
        String forked = runs.submit(ExperimentRequests.parse(body), "someone").experimentId();
        UI.getCurrent().navigate("", QueryParameters.of("fork", forked));
        _click(_get(Button.class, spec -> spec.withId("train")));
        ExperimentView experiment = _get(ExperimentView.class);
        List<Run> original = runs.runsOfExperiment(forked);
        for (int i = 0; i < original.size(); i++) {
            assertEquals(Json.write(original.get(i).settings()), Json.write(experiment.experimentRuns.get(i).settings()), "arm " + i);
        }
        assertEquals(9000000000123L, experiment.experimentRuns.get(0).settings().seed);
    }

    @Test
    void trainSubmitsAndOpensTheExperiment() {
        _setValue(_get(TextArea.class, spec -> spec.withId("corpus-text")), "Marathi is spoken in Maharashtra. Tamil is spoken in Tamilnadu.");
        _setValue(_get(IntegerField.class, spec -> spec.withId("iterations")), 5);
        _click(_get(Button.class, spec -> spec.withId("train")));
        ExperimentView experiment = _get(ExperimentView.class);
        assertEquals(2, experiment.experimentRuns.size());
        assertEquals("rnn", experiment.experimentRuns.get(0).model());
        assertEquals("lstm", experiment.experimentRuns.get(1).model());
        assertEquals(5, runs.run(experiment.experimentRuns.get(0).id()).orElseThrow().settings().maxIterations);
    }

    /** Iterations is the one length a student sets: the run counts exactly that many, whatever the epochs default. */
    @Test
    void theRunIsAsLongAsTheFormSays() {
        // two sentences make one window, so the default 20 epochs would end a run at 20 iterations
        _setValue(_get(TextArea.class, spec -> spec.withId("corpus-text")), "Marathi is spoken in Maharashtra. Tamil is spoken in Tamilnadu.");
        _setValue(_get(IntegerField.class, spec -> spec.withId("iterations")), 300);
        String said = _get(Span.class, spec -> spec.withId("run-length")).getText();
        assertTrue(said.startsWith("Each model trains 300 iterations: "), said);
        _click(_get(Button.class, spec -> spec.withId("train")));
        ExperimentView experiment = _get(ExperimentView.class);
        for (Run run : experiment.experimentRuns) assertEquals(300, run.totalIterations(), run.model());
    }
}
