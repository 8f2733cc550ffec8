package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import lab.gradient.labs.LabService;
import lab.gradient.labs.LabSettings;
import lab.gradient.model.Json;
import lab.gradient.model.Lab;
import lab.gradient.model.Run;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.OwnerTokens;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunServiceTest;
import lab.gradient.runs.RunStatus;
import lab.gradient.store.Database;
import lab.gradient.store.RunStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.NativeBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A teacher picks a lab's seeds. One seed for the class: ten students' identical experiments are one training each arm.
 * A seed per student: ten trainings an arm (each seed plus the student's number), and the dashboard and Compare draw
 * each model as the class's median with the band of its middle half. Karibu, a real H2 and real (tiny) trainings.
 */
class LabSeedsTest {
    static final int STUDENTS = 10;
    KaribuApp app;
    Database database;
    IssuedTokens tokens;
    RunStore store;
    RunService runs;
    LabService labs;

    @BeforeAll
    static void backend() {
        NativeBackend.warmUp();
    }

    @BeforeEach
    void setUp() {
        app = new KaribuApp(2);
        database = app.database;
        tokens = app.tokens;
        labs = app.labs;
        store = app.store;
        runs = app.runs;
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    /** The teacher's form, with the seeds chosen; the teacher's browser stays this Vaadin session. */
    Lab teacherCreatesLab(String seeds) {
        UI.getCurrent().navigate(NewLabView.class);
        _setValue(_get(TextField.class, spec -> spec.withId("lab-name")), "Seeds: " + seeds);
        _get(NewLabView.class).seeds.setValue(seeds);
        _click(_get(Button.class, spec -> spec.withId("create-lab")));
        return labs.byJoinCode(_get(Span.class, spec -> spec.withId("join-code")).getText()).orElseThrow();
    }

    /** Ten students join and each starts the same RNN-vs-LSTM experiment in the lab. */
    List<Run> classSubmits(Lab lab) {
        List<Run> all = new ArrayList<>();
        for (int i = 1; i <= STUDENTS; i++) {
            String owner = OwnerTokens.ownerOf(tokens.issue("198.51.100." + i));
            labs.join(lab.joinCode(), "Student " + i, owner);
            List<RunService.Arm> arms = List.of(new RunService.Arm(ModelKind.RNN, RunServiceTest.tiny(12).tunedFor(ModelKind.RNN)),
                    new RunService.Arm(ModelKind.LSTM, RunServiceTest.tiny(12).tunedFor(ModelKind.LSTM)));
            all.addAll(runs.submit(new RunService.ExperimentSpec("the class's experiment", lab.joinCode(),
                    CorpusSpec.ofPreset("long-range", 8), arms), owner).runs());
        }
        return all;
    }

    static Set<String> trainings(List<Run> runs, ModelKind model) {
        return runs.stream().filter(r -> r.model().equals(model.id)).map(Run::trainingId).collect(Collectors.toSet());
    }

    void awaitAllFinished(List<Run> submitted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!submitted.stream().allMatch(r -> RunStatus.of(store.run(r.id()).orElseThrow().status()).isFinal())) {
            if (System.nanoTime() > deadline) throw new AssertionError("the class's runs did not finish");
            Thread.sleep(50);
        }
    }

    static List<String> seriesNames(String option) {
        List<String> names = new ArrayList<>();
        Json.read(option, JsonNode.class).get("series").forEach(s -> names.add(s.get("name").asText()));
        return names;
    }

    @Test
    void oneSeedForTheClassTrainsEachArmOnceForEveryone() throws Exception {
        Lab lab = teacherCreatesLab(LabSettings.CLASS_SEED);
        List<Run> submitted = classSubmits(lab);
        assertEquals(2 * STUDENTS, submitted.size());
        assertEquals(1, trainings(submitted, ModelKind.RNN).size(), "ten students' RNNs: one training");
        assertEquals(1, trainings(submitted, ModelKind.LSTM).size());
        assertTrue(submitted.stream().allMatch(r -> r.settings().seed == 42), "everyone keeps the experiment's seed");
        runs.start();
        awaitAllFinished(submitted);
        assertEquals(1, submitted.stream().filter(r -> r.model().equals("rnn"))
                .map(r -> store.run(r.id()).orElseThrow().summary()).distinct().count(), "everyone reads the same result");
    }

    @Test
    void aSeedPerStudentMakesTheClassAnEnsembleDrawnAsMedianAndBand() throws Exception {
        Lab lab = teacherCreatesLab(LabSettings.STUDENT_SEED);
        List<Run> submitted = classSubmits(lab);
        assertEquals(STUDENTS, trainings(submitted, ModelKind.RNN).size(), "ten seeds, ten trainings");
        assertEquals(STUDENTS, trainings(submitted, ModelKind.LSTM).size());
        assertEquals(List.of(43L, 44L, 45L, 46L, 47L, 48L, 49L, 50L, 51L, 52L), submitted.stream()
                .filter(r -> r.model().equals("rnn")).map(r -> r.settings().seed).toList(), "42 plus each student's number");
        runs.start();
        awaitAllFinished(submitted);

        // the teacher's dashboard draws each model as the class's spread
        UI.getCurrent().navigate("labs/" + lab.id());
        LabView dashboard = _get(LabView.class);
        assertTrue(dashboard.ensemble.getValue(), "a seed per student: the ensemble view first");
        List<String> loss = seriesNames(dashboard.loss.option());
        assertTrue(loss.containsAll(List.of("rnn · middle half", "rnn · median of 10 runs", "lstm · middle half", "lstm · median of 10 runs")), loss.toString());
        JsonNode band = Json.read(dashboard.loss.option(), JsonNode.class).get("series").get(1);
        assertEquals("rnn · middle half", band.get("name").asText());
        assertTrue(band.get("data").size() >= 10, "a point per iteration");
        band.get("data").forEach(p -> assertTrue(p.get(1).asDouble() >= 0, "the band's height, third quartile minus first"));
        assertTrue(seriesNames(dashboard.flow.option()).contains("lstm · quartiles"));
        // and each run, on demand
        dashboard.ensemble.setValue(false);
        assertEquals(2 * STUDENTS, seriesNames(dashboard.loss.option()).size());

        // Compare groups any runs by model the same way, from its URL
        String ids = submitted.subList(0, 10).stream().map(Run::id).collect(Collectors.joining(","));
        UI.getCurrent().navigate("compare", com.vaadin.flow.router.QueryParameters.simple(java.util.Map.of("runs", ids, "group", "true")));
        CompareView compare = _get(CompareView.class);
        List<String> grouped = seriesNames(compare.chart.option());
        assertTrue(grouped.containsAll(List.of("rnn · middle half", "rnn · median of 5 runs", "lstm · median of 5 runs")), grouped.toString());
    }
}
