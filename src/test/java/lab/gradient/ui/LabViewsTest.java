package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import java.util.List;
import lab.gradient.labs.LabService;
import lab.gradient.labs.LabSettings;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.Lessons;
import lab.gradient.lessons.SweepGrid;
import lab.gradient.model.Json;
import lab.gradient.model.Lab;
import lab.gradient.model.LabRun;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lab pages without a browser (Karibu): a teacher's form, a student's join and submission through the lab's rules,
 * and the dashboard's controls shown only to whom the server's rules allow. Each "browser" is a fresh Vaadin session.
 */
class LabViewsTest {
    KaribuApp app;
    Database database;
    IssuedTokens tokens;
    RunService runs;
    LabService labs;

    @BeforeEach
    void setUp() {
        // not started: runs stay queued, which is all these pages need
        app = new KaribuApp(1);
        database = app.database;
        tokens = app.tokens;
        labs = app.labs;
        runs = app.runs;
    }

    void newBrowser() {
        app.newBrowser();
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    Lab teacherCreatesLab() {
        UI.getCurrent().navigate(NewLabView.class);
        _setValue(_get(TextField.class, spec -> spec.withId("lab-name")), "Week 5");
        _setValue(_get(NewLabView.class).maxRuns, 4);
        _click(_get(Button.class, spec -> spec.withId("create-lab")));
        LabView view = _get(LabView.class);
        String code = _get(Span.class, spec -> spec.withId("join-code")).getText();
        assertTrue(_get(TextField.class, spec -> spec.withId("teacher-link")).getValue().contains("?key="));
        assertTrue(_find(Button.class, spec -> spec.withId("lab-open-toggle")).size() == 1, "the teacher's controls");
        assertEquals(view.getClass(), LabView.class);
        return labs.byJoinCode(code).orElseThrow();
    }

    void studentJoinsAndTrains(Lab lab, String name) {
        UI.getCurrent().navigate("join/" + lab.joinCode());
        _setValue(_get(TextField.class, spec -> spec.withId("join-name")), name);
        _click(_get(Button.class, spec -> spec.withId("join")));
        _get(LabView.class);
        assertTrue(_find(Button.class, spec -> spec.withId("lab-open-toggle")).isEmpty(), "no teacher controls for a student");
        _click(_get(Button.class, spec -> spec.withId("lab-new-experiment")));
        NewExperimentView form = _get(NewExperimentView.class);
        assertEquals(lab.joinCode(), form.labCode);
        assertTrue(form.source.isReadOnly(), "the lab's sentences are fixed");
        assertEquals("long-range", form.source.getValue());
        _setValue(_get(IntegerField.class, spec -> spec.withId("iterations")), 5);
        _click(_get(Button.class, spec -> spec.withId("train")));
        _get(ExperimentView.class);
    }

    @Test
    void aStudentJoinsAndTrainsInTheLabUnderItsRules() {
        Lab lab = teacherCreatesLab();
        assertEquals("long-range", labs.settings(lab).corpus().preset(), "the form's default: the vanishing-gradient task");
        assertEquals(4, labs.settings(lab).maxRunsPerStudent());

        newBrowser();
        studentJoinsAndTrains(lab, "Asha");
        List<LabRun> inLab = labs.runs(lab, List.of(lab.teacher()), null);
        assertEquals(2, inLab.size());
        inLab.forEach(r -> {
            assertEquals("Asha", r.student());
            assertEquals(lab.id(), r.run().lab());
        });

        // a second try within the limit of 4 runs is taken; a third would pass it and is refused with the lab's words
        UI.getCurrent().navigate("", com.vaadin.flow.router.QueryParameters.of("lab", lab.joinCode()));
        _click(_get(Button.class, spec -> spec.withId("train")));
        UI.getCurrent().navigate("", com.vaadin.flow.router.QueryParameters.of("lab", lab.joinCode()));
        _click(_get(Button.class, spec -> spec.withId("train")));
        assertTrue(_get(Span.class, spec -> spec.withId("form-error")).getText().contains("4 runs this lab allows"),
                _get(Span.class, spec -> spec.withId("form-error")).getText());
        assertEquals(4, labs.runs(lab, List.of(lab.teacher()), null).size());
    }

    @Test
    void aTeacherMakesTheLabAClassSweepFromTheForm() {
        UI.getCurrent().navigate(NewLabView.class);
        _setValue(_get(TextField.class, spec -> spec.withId("lab-name")), "Week 7: where each model breaks");
        _setValue(_get(NewLabView.class).lesson, NewLabView.SWEEP);
        assertFalse(_get(NewLabView.class).ownDesign.isVisible(), "a sweep brings its own sentences and models");
        assertTrue(_get(NewLabView.class).sweepSeeds.isVisible());
        _click(_get(Button.class, spec -> spec.withId("create-lab")));
        Lab lab = labs.byJoinCode(_get(Span.class, spec -> spec.withId("join-code")).getText()).orElseThrow();
        SweepGrid grid = labs.settings(lab).sweepGrid();
        assertEquals(List.of("rnn", "lstm"), grid.modelIds());
        assertEquals(List.of(5, 10, 15, 20, 25, 30), grid.distances());
        assertEquals(2, grid.seeds(), "the form's default: 24 cells, one round for a class of 24 to 30");
        assertEquals("Start your point of the class sweep", _get(Button.class, spec -> spec.withId("lab-new-experiment")).getText());
    }

    /** Each student's start is given the next cell; the dashboard's chart fills in as their runs finish, each point theirs. */
    @Test
    void eachStudentStartsTheNextCellAndTheDashboardChartsTheClassSweep() throws Exception {
        Lab lab = labs.create("Sweep class", LabSettings.parse(Json.read("{\"sweep\": {\"distances\": [3, 4], \"training\": "
                + "{\"maxIterations\": 3, \"hidden\": 8, \"embedding\": 8, \"batch\": 8, \"probeEvery\": 1}}}",
                com.fasterxml.jackson.databind.JsonNode.class)), null).lab();
        List<String> given = new java.util.ArrayList<>();
        for (String name : List.of("Asha", "Ravi", "Mei")) {
            newBrowser();
            UI.getCurrent().navigate("join/" + lab.joinCode());
            _setValue(_get(TextField.class, spec -> spec.withId("join-name")), name);
            _click(_get(Button.class, spec -> spec.withId("join")));
            _click(_get(Button.class, spec -> spec.withId("lab-new-experiment")));
            given.add(_get(Paragraph.class, spec -> spec.withId("lab-sweep-given")).getElement().getTextRecursively());
        }
        assertTrue(given.get(0).startsWith("You were given rnn at d = 3, seed 42"), given.toString());
        assertTrue(given.get(1).startsWith("You were given lstm at d = 3, seed 42"), given.toString());
        assertTrue(given.get(2).startsWith("You were given rnn at d = 4, seed 42"), given.toString());

        runs.start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!UiServices.sweeps().ofLab(lab).orElseThrow().status().equals("finished")) {
            assertTrue(System.nanoTime() < deadline, "the class's three runs finish");
            Thread.sleep(100);
        }
        LabView dashboard = _get(LabView.class);
        dashboard.refresh();
        assertTrue(dashboard.classSweep.isVisible());
        assertEquals(3, GridKt._size(dashboard.classSweep.points));
        assertEquals("Asha", GridKt._get(dashboard.classSweep.points, 0).student());
        List<String> labels = new java.util.ArrayList<>();
        for (var series : Json.read(dashboard.classSweep.accuracy.option(), com.fasterxml.jackson.databind.JsonNode.class).get("series")) {
            if (series.get("type").asText().equals("scatter")) series.get("data").forEach(p -> labels.add(p.get("name").asText()));
        }
        assertEquals(List.of("Asha · rnn at d = 3, seed 42", "Mei · rnn at d = 4, seed 42", "Ravi · lstm at d = 3, seed 42"), labels);
    }

    @Test
    void aTeacherSetsALessonAndEachStudentStartsItExactlyAsDefined() {
        UI.getCurrent().navigate(NewLabView.class);
        _setValue(_get(TextField.class, spec -> spec.withId("lab-name")), "Week 6: skip connections");
        _setValue(_get(NewLabView.class).lesson, "skip");
        assertFalse(_get(NewLabView.class).ownDesign.isVisible(), "a lesson brings its own sentences and models");
        _click(_get(Button.class, spec -> spec.withId("create-lab")));
        Lab lab = labs.byJoinCode(_get(Span.class, spec -> spec.withId("join-code")).getText()).orElseThrow();
        assertEquals("skip", labs.settings(lab).lesson());

        newBrowser();
        UI.getCurrent().navigate("join/" + lab.joinCode());
        _setValue(_get(TextField.class, spec -> spec.withId("join-name")), "Asha");
        _click(_get(Button.class, spec -> spec.withId("join")));
        Button start = _get(Button.class, spec -> spec.withId("lab-new-experiment"));
        assertEquals("Start the lesson: " + Lessons.byId("skip").orElseThrow().title(), start.getText());
        _click(start);
        _get(ExperimentView.class);

        Lesson skip = Lessons.byId("skip").orElseThrow();
        RunService.ExperimentSpec defined = ExperimentRequests.parse(skip.experiment(), code -> java.util.Optional.empty(), id -> true);
        List<LabRun> inLab = labs.runs(lab, List.of(lab.teacher()), null);
        assertEquals(2, inLab.size());
        for (LabRun r : inLab) {
            assertEquals("Asha", r.student());
            int arm = r.run().arm();
            assertEquals(defined.arms().get(arm).model().id, r.run().model());
            assertEquals(ExperimentRequests.write(defined.arms().get(arm).settings()),
                    ExperimentRequests.write(r.run().settings()));
        }
        assertEquals("skip", runs.experiment(inLab.get(0).run().experimentId()).orElseThrow().lesson());

        // the lab's experiment page offers only the lesson, not the design-your-own form
        UI.getCurrent().navigate("", com.vaadin.flow.router.QueryParameters.of("lab", lab.joinCode()));
        NewExperimentView page = _get(NewExperimentView.class);
        assertFalse(page.form.isVisible());
        _click(_get(Button.class, spec -> spec.withId("lesson-skip")));
        _get(ExperimentView.class);
        assertEquals(4, labs.runs(lab, List.of(lab.teacher()), null).size());
    }

    @Test
    void theDashboardOffersEachMemberOnlyWhatTheServerAllows() {
        Lab lab = teacherCreatesLab();
        newBrowser();
        studentJoinsAndTrains(lab, "Asha");
        newBrowser();
        studentJoinsAndTrains(lab, "Ravi");

        // Ravi sees all four runs, with delete and cancel only on his own two
        UI.getCurrent().navigate("labs/" + lab.id());
        @SuppressWarnings("unchecked")
        Grid<LabRun> grid = _get(Grid.class, spec -> spec.withId("lab-runs"));
        assertEquals(4, GridKt._size(grid));
        for (int row = 0; row < 4; row++) {
            LabRun r = GridKt._get(grid, row);
            HorizontalLayout actions = (HorizontalLayout) GridKt._getCellComponent(grid, row, "actions");
            assertEquals("Ravi".equals(r.student()) ? 2 : 0, actions.getComponentCount(), r.student() + "'s run");
        }

        // a browser that never joined sees no runs at all
        newBrowser();
        UI.getCurrent().navigate("labs/" + lab.id());
        assertTrue(_get(Paragraph.class, spec -> spec.withId("lab-members-only")).getText().contains("ask the teacher"));
        assertTrue(_find(Grid.class, spec -> spec.withId("lab-runs")).isEmpty());
        assertFalse(_find(Span.class, spec -> spec.withId("join-code")).size() > 0, "not even the join code");
        // nor a way to the code: no link to join/<code> and the code nowhere in the page's text (issue 30: a stranger
        // who held one run's link followed the lab's page's Join link into the class)
        _find(com.vaadin.flow.component.html.Anchor.class).forEach(a -> assertFalse(a.getHref().contains("join"), a.getHref()));
        assertFalse(UI.getCurrent().getElement().getOuterHTML().contains(lab.joinCode()), "the join code is nowhere on the page");
    }
}
