package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.LessonService;
import lab.gradient.lessons.Lessons;
import lab.gradient.model.Json;
import lab.gradient.model.Run;
import lab.gradient.runs.RunDiagnosis;
import lab.gradient.runs.RunService;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.TrainingResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each guided lesson as a student meets it, in Debian's Chromium against the real server with two workers: click the
 * lesson's button, wait for its arms, and read the page. The page must state the lesson's claim and captions, each
 * arm's diagnosis must be the service's, the flow chart's g(d)/g(0) must be the numbers the diagnosis and the signature
 * judge, and the signature must hold on these very runs (seed 42). Tag {@code lessons}: about six minutes.
 */
@Tag("lessons")
class LessonsBrowserSuite {
    static Server server;
    static Playwright playwright;
    static Browser browser;

    @BeforeAll
    static void start() {
        server = TestServers.startInMemory(2);
        playwright = BrowserSmokeTest.createPlaywright();
        browser = BrowserSmokeTest.launchChromium(playwright);
    }

    @AfterAll
    static void stop() {
        browser.close();
        playwright.close();
        server.close();
    }

    static Stream<String> lessons() {
        return Lessons.all().stream().map(Lesson::id);
    }

    @ParameterizedTest
    @MethodSource("lessons")
    void theGuidedLessonShowsItsClaimInTheBrowser(String id) throws Exception {
        Lesson lesson = Lessons.byId(id).orElseThrow();
        Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800)).newPage();
        page.setDefaultTimeout(60_000);
        String base = "http://localhost:" + server.port();
        page.navigate(base + "/");
        long clicked = System.nanoTime();
        page.locator("#lesson-" + id).click();
        page.waitForURL("**/experiments/**");
        String experimentId = page.url().substring(page.url().lastIndexOf('/') + 1);
        page.waitForFunction("() => { const s = [...document.querySelectorAll('.gl-status')]; return s.length > 0 && "
                + "s.every(x => ['completed', 'diverged'].includes(x.textContent)); }", null,
                new Page.WaitForFunctionOptions().setTimeout(300_000));
        double wall = (System.nanoTime() - clicked) / 1e9;
        page.waitForTimeout(2_500); // the page's last redraw after the final status
        StudentJourneyTest.shot(page, "lesson-" + id);

        assertTrue(page.locator("#lesson").innerText().contains(lesson.claim().substring(0, 60)), page.locator("#lesson").innerText());
        lesson.captions().forEach((chart, caption) -> assertEquals(caption, page.locator("#caption-" + chart).innerText(), chart));

        RunService runs = server.runs();
        List<Run> arms = runs.runsOfExperiment(experimentId);
        CorpusSpec corpus = runs.experiment(experimentId).orElseThrow().corpus();
        JsonNode flowChart = Json.read((String) page.evalOnSelector("#chart-flow", "e => e.option"), JsonNode.class);
        String diagnosisText = page.locator("#diagnosis").innerText();
        StringBuilder report = new StringBuilder(id + " (" + Math.round(wall) + " s in the browser):");
        for (Run run : arms) {
            RunDiagnosis.Diagnosis diagnosis = runs.diagnosis(run, runs.gradientFlow(run.id()), runs.metrics(run.id()));
            assertTrue(diagnosisText.contains(diagnosis.text()), "the page says what the service says:\n" + diagnosisText + "\n" + diagnosis.text());
            report.append(' ').append(run.model()).append(' ').append(diagnosis.regime().id());
            // the flow chart's own lines give the g(d)/g(0) that the diagnosis and the signature judge
            int d = RunDiagnosis.distance(run.settings(), corpus);
            TrainingResult.Summary summary = run.summary();
            String label = seriesLabel(flowChart, run.arm());
            // a run that diverged before its second probe has only its iteration-0 line
            double initial = hasSeries(flowChart, label + " before training") ? ratio(flowChart, label + " before training", d)
                    : ratio(flowChart, label + " at iteration 0", d);
            assertRatio(summary.initialFlowRatio(), initial, id + " arm " + run.arm() + " at iteration 0");
            if (!"diverged".equals(run.status())) {
                assertRatio(summary.gradientFlowRatio(), ratio(flowChart, label + " at iteration " + summary.iterations(), d),
                        id + " arm " + run.arm() + " at the end");
            }
        }

        // the click trained the lesson on its five seeds: the page counts the claim over them, with each arm's bands
        LessonService lessons = server.lessons();
        List<LessonService.SeedRun> group = lessons.group(experimentId).orElseThrow();
        for (LessonService.SeedRun seed : group) {
            runs.awaitEnded(seed.experimentId(), Duration.ofMinutes(10));
            for (String variant : seed.variantExperiments().values()) runs.awaitEnded(variant, Duration.ofMinutes(10));
        }
        LessonService.GroupVerdict verdict = lessons.verdict(lesson, group);
        page.waitForFunction("n => (document.querySelector('#seed-group-summary') || {}).textContent?.startsWith(\"The lesson's claim held on \" + n + \" of 5 seeds\")",
                verdict.holding(), new Page.WaitForFunctionOptions().setTimeout(60_000));
        page.waitForTimeout(1_000); // the bands drawn with the summary
        String counted = page.locator("#seed-group").innerText();
        for (LessonService.CheckCount c : verdict.counts()) {
            assertTrue(counted.contains(" on " + c.held() + " of 5 seeds: " + c.what()), counted);
        }
        for (String chart : List.of("#chart-seed-loss", "#chart-seed-flow", "#chart-seed-ratio")) {
            JsonNode option = Json.read((String) page.evalOnSelector(chart, "e => e.option"), JsonNode.class);
            long medians = java.util.stream.StreamSupport.stream(option.get("series").spliterator(), false)
                    .filter(series -> series.get("name").asText().endsWith("median of 5 runs")).count();
            assertEquals(arms.size(), medians, chart + ": one median of the five seeds per arm");
        }
        // the shaded bands end where the runs end: ECharts once stacked their x's and drew them to twice the last iteration
        for (String chart : List.of("#chart-seed-loss", "#chart-seed-accuracy")) {
            if (page.locator(chart).count() == 0) continue;
            double xMax = ((Number) page.evalOnSelector(chart, "e => e._chart.getModel().getComponent('xAxis').axis.scale.getExtent()[1]")).doubleValue();
            int last = arms.stream().mapToInt(Run::iterations).max().orElseThrow();
            assertTrue(xMax <= 1.25 * last + 10, chart + "'s x axis runs to " + xMax + " for runs of " + last + " iterations");
        }
        page.locator("#seed-group").screenshot(new com.microsoft.playwright.Locator.ScreenshotOptions()
                .setPath(java.nio.file.Path.of("target", "screenshots", "lesson-" + id + "-five-seeds.png")));
        report.append(" · on 5 seeds: holds on ").append(verdict.holding());

        Map<String, String> variants = new LinkedHashMap<>();
        for (String name : lesson.variants().keySet()) variants.put(name, lessons.startVariant(lesson, name, lesson.defaultSeed(), "suite").experimentId());
        for (String variant : variants.values()) runs.awaitEnded(variant, Duration.ofMinutes(10));
        List<Lesson.Check> checks = lessons.checks(lesson, experimentId, variants);
        System.out.println(report + " · " + checks);
        assertTrue(checks.stream().allMatch(Lesson.Check::holds), id + ": " + checks);
    }

    /** The name the page gives arm {@code arm}'s lines: the text before " at iteration" of its n-th "at iteration" series. */
    private static String seriesLabel(JsonNode option, int arm) {
        int seen = 0;
        for (JsonNode s : option.get("series")) {
            String name = s.get("name").asText();
            int at = name.indexOf(" at iteration ");
            if (at >= 0 && seen++ == arm) return name.substring(0, at);
        }
        throw new AssertionError("no flow line for arm " + arm + " in " + option.get("series"));
    }

    private static boolean hasSeries(JsonNode option, String name) {
        for (JsonNode s : option.get("series")) if (s.get("name").asText().equals(name)) return true;
        return false;
    }

    /** g(d)/g(0) read off the chart series whose name starts with {@code name}. */
    private static double ratio(JsonNode option, String name, int d) {
        for (JsonNode s : option.get("series")) {
            if (!s.get("name").asText().startsWith(name)) continue;
            double g0 = Double.NaN, gd = Double.NaN;
            for (JsonNode point : s.get("data")) {
                if (point.get(0).asInt() == 0) g0 = point.get(1).asDouble();
                if (point.get(0).asInt() == d) gd = point.get(1).asDouble();
            }
            return gd / g0;
        }
        throw new AssertionError("no flow line named " + name + " in " + option.get("series"));
    }

    private static void assertRatio(double expected, double shown, String what) {
        assertTrue(Math.abs(shown - expected) <= 1e-3 * Math.abs(expected), what + ": the chart shows " + shown + ", the summary says " + expected);
    }
}
