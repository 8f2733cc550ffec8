package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.UI;
import java.util.List;
import lab.gradient.model.Json;
import lab.gradient.model.Run;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.store.Database;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.NativeBackend;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The URL alone reproduces a comparison: runs, series, log scale, smoothing and x axis. */
class CompareViewTest {
    KaribuApp app;
    Database database;
    IssuedTokens tokens;
    RunService runs;

    @BeforeEach
    void setUp() {
        NativeBackend.warmUp();
        app = new KaribuApp(1);
        database = app.database;
        tokens = app.tokens;
        runs = app.runs;
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    @Test
    void theLinkRestoresEveryChoice() throws Exception {
        TrainingSettings s = new TrainingSettings();
        s.hidden = 8;
        s.embedding = 4;
        s.window = 10;
        s.maxIterations = 10;
        s.probeEvery = 5;
        List<Run> submitted = runs.submit(new RunService.ExperimentSpec("c", null, CorpusSpec.ofPreset("seed-examples", null),
                List.of(new RunService.Arm(ModelKind.RNN, s), new RunService.Arm(ModelKind.LSTM, s.copy()))), "owner").runs();
        runs.start();
        for (Run run : submitted) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!RunStatus.of(runs.run(run.id()).orElseThrow().status()).isFinal() && System.currentTimeMillis() < deadline) Thread.sleep(50);
        }
        String ids = submitted.get(0).id() + "," + submitted.get(1).id();
        UI.getCurrent().navigate("compare", com.vaadin.flow.router.QueryParameters.fromString(
                "runs=" + ids + "&series=flow&log=true&smooth=0.5&x=time"));
        CompareView view = _get(CompareView.class);
        assertEquals("flow", view.series.getValue());
        assertTrue(view.log.getValue());
        assertEquals(0.5, view.smoothingValue());
        assertEquals("time", view.xAxis.getValue());
        assertEquals(2, view.selected.size());
        JsonNode option = Json.read(view.chart.option(), JsonNode.class);
        assertEquals("log", option.at("/yAxis/type").asText());
        assertEquals(2, option.get("series").size());
        assertEquals(10, option.at("/series/0/data").size(), "g(k) for every k of the final probe");

        UI.getCurrent().navigate("compare", com.vaadin.flow.router.QueryParameters.fromString("runs=" + ids));
        assertEquals("loss", view.series.getValue(), "defaults when the link says nothing");
        assertEquals(10, Json.read(view.chart.option(), JsonNode.class).at("/series/0/data").size());
        assertEquals("", view.error.getText());

        // eleven runs are refused in the API's words, not cut to ten without a word
        UI.getCurrent().navigate("compare", com.vaadin.flow.router.QueryParameters.fromString("runs=a,b,c,d,e,f,g,h,i,j,k"));
        assertTrue(view.error.getText().contains("at most 10 runs"), view.error.getText());
        assertEquals(0, view.selected.size());
    }

    /**
     * The exploding lesson's two arms in Compare read "rnn-relu" twice with a legend of id fragments (issue 33): each run
     * is named by its experiment and its arm's label, in the table and the legend.
     */
    @Test
    void twoArmsOfOneModelAreNamedByWhatSetsThemApart() throws Exception {
        TrainingSettings s = lab.gradient.runs.RunServiceTest.tiny(5);
        TrainingSettings clipped = s.copy();
        clipped.clip = TrainingSettings.ClipMode.NORM;
        List<Run> submitted = runs.submit(new RunService.ExperimentSpec("Exploding", null, CorpusSpec.ofPreset("seed-examples", null),
                List.of(new RunService.Arm(ModelKind.RNN_RELU, s), new RunService.Arm(ModelKind.RNN_RELU, clipped))), "owner").runs();
        runs.start();
        runs.awaitEnded(submitted.get(0).experimentId(), java.time.Duration.ofMinutes(1));
        UI.getCurrent().navigate("compare", com.vaadin.flow.router.QueryParameters.fromString(
                "runs=" + submitted.get(0).id() + "," + submitted.get(1).id()));
        CompareView view = _get(CompareView.class);
        List<String> names = List.of(com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow(view.table, 0).get(0),
                com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow(view.table, 1).get(0));
        assertEquals(List.of("Exploding · rnn-relu, no clipping", "Exploding · rnn-relu, clipped at 1.0"), names);
        assertEquals("Run", view.table.getColumns().get(0).getHeaderText());
        JsonNode legend = Json.read(view.chart.option(), JsonNode.class).get("series");
        assertTrue(legend.get(0).get("name").asText().startsWith("1. Exploding · rnn-relu, no clipping"), legend.toString());
        assertTrue(legend.get(1).get("name").asText().startsWith("2. Exploding · rnn-relu, clipped at 1.0"), legend.toString());
    }

    /** /compare?runs=nope,alsonope drew empty tables without a word (issue 33); an unknown run's page was Vaadin's raw error. */
    @Test
    void runsThatAreNotThereAreSaidToBeGone() {
        UI.getCurrent().navigate("compare", com.vaadin.flow.router.QueryParameters.fromString("runs=nope,alsonope"));
        CompareView view = _get(CompareView.class);
        assertEquals("No runs have the ids nope, alsonope: deleted, or the link was cut short when it was copied. Pick runs in My runs.",
                view.error.getText());
        UI.getCurrent().navigate("runs/doesnotexist");
        NotFoundView notFound = _get(NotFoundView.class);
        assertTrue(notFound.getElement().getTextRecursively().contains("There is no page at /runs/doesnotexist"),
                notFound.getElement().getTextRecursively());
        UI.getCurrent().navigate("labs/nolab");
        assertTrue(_get(NotFoundView.class).getElement().getTextRecursively().contains("/labs/nolab"));
    }

    /**
     * Runs on plain sentences showed a "Long-range accuracy" in My runs and Compare (issue 33): only the long-range task
     * has answers a known distance back; a row on plain sentences says it has none, and Compare drops the column when
     * no compared run has one.
     */
    @Test
    void longRangeAccuracyIsShownOnlyWhereTheTaskHasOne() throws Exception {
        String token = tokens.issue(null);
        String owner = lab.gradient.runs.OwnerTokens.ownerOf(token);
        TrainingSettings s = lab.gradient.runs.RunServiceTest.tiny(5);
        Run prose = runs.submit(new RunService.ExperimentSpec("Prose", null, CorpusSpec.ofPreset("english-prose", null),
                List.of(new RunService.Arm(ModelKind.RNN, s))), owner).runs().get(0);
        Run longRange = runs.submit(new RunService.ExperimentSpec("Far keys", null, CorpusSpec.ofPreset("long-range", 4),
                List.of(new RunService.Arm(ModelKind.RNN, s.copy()))), owner).runs().get(0);
        runs.start();
        runs.awaitEnded(prose.experimentId(), java.time.Duration.ofMinutes(1));
        runs.awaitEnded(longRange.experimentId(), java.time.Duration.ofMinutes(1));

        ((com.github.mvysny.fakeservlet.FakeRequest) com.vaadin.flow.server.VaadinServletRequest.getCurrent().getRequest())
                .addCookie(new jakarta.servlet.http.Cookie(OwnerSession.COOKIE, token));
        UI.getCurrent().navigate("runs");
        RunsView mine = _get(RunsView.class);
        int column = headers(mine.grid).indexOf("Long-range accuracy");
        java.util.Map<String, String> byExperiment = new java.util.HashMap<>();
        for (int row = 0; row < 2; row++) {
            List<String> cells = com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow(mine.grid, row);
            byExperiment.put(com.github.mvysny.kaributesting.v10.GridKt._get(mine.grid, row).experimentName(), cells.get(column));
        }
        assertEquals("—", byExperiment.get("Prose"), "plain sentences: no long-range accuracy " + byExperiment);
        assertTrue(byExperiment.get("Far keys").matches("[0-9.e-]+"), "the long-range task's accuracy: " + byExperiment);

        UI.getCurrent().navigate("compare", com.vaadin.flow.router.QueryParameters.fromString("runs=" + prose.id() + "," + longRange.id()));
        CompareView view = _get(CompareView.class);
        int compared = headers(view.table).indexOf("Long-range acc.");
        assertEquals("—", com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow(view.table, 0).get(compared));
        assertTrue(com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow(view.table, 1).get(compared).matches("[0-9.e-]+"));
        UI.getCurrent().navigate("compare", com.vaadin.flow.router.QueryParameters.fromString("runs=" + prose.id()));
        assertTrue(view.table.getColumns().stream().noneMatch(c -> c.isVisible() && "Long-range acc.".equals(c.getHeaderText())),
                "plain sentences only: no long-range column");
    }

    private static List<String> headers(com.vaadin.flow.component.grid.Grid<?> grid) {
        return grid.getColumns().stream().map(c -> c.getHeaderText() == null ? "" : c.getHeaderText()).toList();
    }
}
