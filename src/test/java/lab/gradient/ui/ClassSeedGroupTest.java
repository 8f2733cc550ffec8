package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.gradient.labs.LabSettings;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.LessonService;
import lab.gradient.lessons.Lessons;
import lab.gradient.model.Experiment;
import lab.gradient.model.Json;
import lab.gradient.model.Lab;
import lab.gradient.model.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lesson in a lab is judged over the class, as a student clicks it on the lab's page: a class on one seed trains the
 * lesson's group of five once for everyone, and each student's page counts the claim over it; with a seed per student
 * the class is the group, each student's seed started with the variants its verdict needs.
 */
class ClassSeedGroupTest {
    KaribuApp app;

    @BeforeEach
    void setUp() {
        app = new KaribuApp(2);
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    private Lab lessonLab(String lesson, String seeds) {
        return app.labs.create("Week 7", LabSettings.parse(Json.read("{\"lesson\": \"" + lesson + "\", \"seeds\": \"" + seeds + "\"}",
                JsonNode.class)), null).lab();
    }

    /** A new browser joins the lab as {@code name} and clicks the lesson's start on the lab's page; returns the page opened. */
    private ExperimentView joinAndStart(Lab lab, String name) {
        app.newBrowser();
        UI.getCurrent().navigate("join/" + lab.joinCode());
        _setValue(_get(TextField.class, spec -> spec.withId("join-name")), name);
        _click(_get(Button.class, spec -> spec.withId("join")));
        _click(_get(Button.class, spec -> spec.withId("lab-new-experiment")));
        return _get(ExperimentView.class);
    }

    private static String heading(ExperimentView page) {
        return page.seedGroup.getChildren().filter(c -> c instanceof H2).map(c -> ((H2) c).getText()).findFirst().orElseThrow();
    }

    @Test
    void aClassOnOneSeedTrainsTheLessonsFiveSeedsOnceAndEveryStudentsPageCountsTheClaimOverThem() throws Exception {
        Lesson lesson = Lessons.byId("exploding").orElseThrow();
        Lab lab = lessonLab("exploding", LabSettings.CLASS_SEED);
        app.runs.start();
        ExperimentView asha = joinAndStart(lab, "Asha");
        LessonService lessons = UiServices.lessons();
        List<LessonService.SeedRun> group = lessons.group(asha.experiment.id()).orElseThrow();
        assertEquals(List.of(42L, 43L, 44L, 45L, 46L), group.stream().map(LessonService.SeedRun::seed).toList());
        // the class's group is the lab's: no student owns it, so none pays for it in their limits or can delete it
        for (LessonService.SeedRun seed : group) {
            Experiment e = app.runs.experiment(seed.experimentId()).orElseThrow();
            assertEquals("lab-" + lab.id(), e.owner());
            assertEquals(null, e.lab(), "the class's group is not a student's run on the dashboard");
        }
        assertEquals(lesson.experiment().get("arms").size(), app.store.queue().countActive(app.labs.participants(lab, List.of(lab.teacher())).get(0).owner()),
                "Asha has only her own experiment's runs");
        assertEquals("The class on 5 seeds (42–46)", heading(asha));

        ExperimentView ravi = joinAndStart(lab, "Ravi");
        assertEquals(group, lessons.group(ravi.experiment.id()).orElseThrow(), "the second student's click queues no second group");
        for (LessonService.SeedRun seed : group) app.runs.awaitEnded(seed.experimentId(), Duration.ofMinutes(5));
        app.runs.awaitEnded(ravi.experiment.id(), Duration.ofMinutes(5));
        ravi.showSeedGroup();
        LessonService.GroupVerdict verdict = lessons.verdict(lesson, group);
        assertEquals(5, verdict.finished());
        assertEquals(SeedGroupWords.summary(verdict, 5), _get(Paragraph.class, spec -> spec.withId("seed-group-summary")).getText());
        // Ravi's own seed-42 experiment shared its trainings with the class's seed 42: the same numbers
        List<Run> own = app.runs.runsOfExperiment(ravi.experiment.id());
        List<Run> classs = app.runs.runsOfExperiment(group.get(0).experimentId());
        for (int arm = 0; arm < own.size(); arm++) assertEquals(classs.get(arm).summary().valLoss(), own.get(arm).summary().valLoss());
    }

    @Test
    void withASeedPerStudentTheClassIsTheGroupAndEachStudentsSeedBringsItsVariants() {
        Lesson lesson = Lessons.byId("vanishing").orElseThrow();
        Lab lab = lessonLab("vanishing", LabSettings.STUDENT_SEED);
        // the workers are not started: what is queued, and on which seeds, is what this test reads
        joinAndStart(lab, "Asha");
        ExperimentView ravi = joinAndStart(lab, "Ravi");
        List<LessonService.SeedRun> group = UiServices.lessons().group(ravi.experiment.id()).orElseThrow();
        assertEquals(List.of(43L, 44L), group.stream().map(LessonService.SeedRun::seed).toList(), "each student's number added to the lesson's seed");
        assertEquals(ravi.experiment.id(), group.get(1).experimentId());
        for (LessonService.SeedRun seed : group) {
            List<Long> seeds = new ArrayList<>();
            app.runs.runsOfExperiment(seed.experimentId()).forEach(r -> seeds.add(r.settings().seed));
            assertEquals(lesson.variants().keySet(), seed.variantExperiments().keySet());
            for (Map.Entry<String, String> v : seed.variantExperiments().entrySet()) {
                app.runs.runsOfExperiment(v.getValue()).forEach(r -> seeds.add(r.settings().seed));
            }
            assertTrue(seeds.stream().allMatch(s -> s == seed.seed()), "the lesson's arms and its variants on the student's seed: " + seeds);
        }
        assertEquals("The class on 2 seeds (43–44)", heading(ravi));
        assertTrue(_get(Paragraph.class, spec -> spec.withId("seed-group-summary")).getText().contains("none has finished yet"));
    }
}
