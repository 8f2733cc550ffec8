package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Paragraph;
import java.time.Duration;
import java.util.List;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.LessonService;
import lab.gradient.lessons.Lessons;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A student's one click on a lesson trains it on its group of five seeds, and the lesson's page counts its claim over
 * them: the words the page shows are the service's verdict (the API's seedGroup, the command line's counts). Real
 * workers train the exploding lesson, the quickest.
 */
class SeedGroupViewTest {
    KaribuApp app;

    @BeforeEach
    void setUp() {
        app = new KaribuApp(2);
        app.runs.start();
        UI.getCurrent().navigate(NewExperimentView.class);
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    @Test
    void oneClickTrainsTheLessonOnFiveSeedsAndThePageCountsItsClaimOverThem() throws Exception {
        Lesson lesson = Lessons.byId("exploding").orElseThrow();
        _click(_get(Button.class, spec -> spec.withId("lesson-exploding")));
        ExperimentView page = _get(ExperimentView.class);
        assertEquals(lesson.defaultSeed(), page.experimentRuns.get(0).settings().seed, "the page opened is the lesson's own seed");
        assertTrue(page.seedGroup.isVisible());
        LessonService lessons = UiServices.lessons();
        List<LessonService.SeedRun> group = lessons.group(page.experiment.id()).orElseThrow();
        assertEquals(LessonService.GROUP_SEEDS, group.size());
        for (int i = 0; i < group.size(); i++) assertEquals(lesson.defaultSeed() + i, group.get(i).seed());

        for (LessonService.SeedRun seed : group) app.runs.awaitEnded(seed.experimentId(), Duration.ofMinutes(5));
        page.showSeedGroup();
        LessonService.GroupVerdict verdict = lessons.verdict(lesson, group);
        assertEquals(LessonService.GROUP_SEEDS, verdict.finished());
        assertEquals(SeedGroupWords.summary(verdict, group.size()), _get(Paragraph.class, spec -> spec.withId("seed-group-summary")).getText());
        assertTrue(_get(Paragraph.class, spec -> spec.withId("seed-group-summary")).getText()
                .startsWith("The lesson's claim held on " + verdict.holding() + " of 5 seeds"));
        List<String> counts = page.seedGroup.getChildren().filter(c -> c.hasClassName("gl-seed-count"))
                .map(c -> ((Paragraph) c).getText()).toList();
        assertEquals(verdict.counts().stream().map(SeedGroupWords::count).toList(), counts);
        for (LessonService.CheckCount c : verdict.counts()) assertEquals(5, c.of());
        assertTrue(counts.get(0).matches("[✓✗½] on [0-5] of 5 seeds: .+"), counts.get(0));
        // each arm drawn as a spread over the five seeds: a median line of 5 runs per arm, on the loss and the flow
        for (Chart chart : List.of(page.seedLoss, page.seedFlow, page.seedRatio)) {
            com.fasterxml.jackson.databind.JsonNode option = lab.gradient.model.Json.read(chart.option(), com.fasterxml.jackson.databind.JsonNode.class);
            List<String> medians = new java.util.ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode series : option.get("series")) {
                String name = series.get("name").asText();
                if (name.endsWith("median of 5 runs")) medians.add(name);
            }
            assertEquals(page.experimentRuns.size(), medians.size(), "one median per arm: " + medians);
            // a shaded band is written (y, x) and says so: ECharts stacks the first dimension of a point
            for (com.fasterxml.jackson.databind.JsonNode series : option.get("series")) {
                if (!series.has("stack")) continue;
                assertEquals(1, series.at("/encode/x").asInt(), series.toString());
                for (com.fasterxml.jackson.databind.JsonNode point : series.get("data")) {
                    assertTrue(point.get(1).asDouble() <= page.experimentRuns.get(0).totalIterations(), "an iteration: " + point);
                }
            }
        }
    }
}
