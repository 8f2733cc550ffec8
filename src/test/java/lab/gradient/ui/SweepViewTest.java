package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import lab.gradient.model.Json;
import lab.gradient.model.Run;
import lab.gradient.runs.RunService;
import lab.gradient.sweeps.SweepService;
import lab.gradient.training.NativeBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sweep as a user meets it: the form, the page filling in as runs finish, its points opening runs and Compare. */
class SweepViewTest {
    KaribuApp app;
    RunService runs;
    SweepService sweeps;

    @BeforeEach
    void setUp() {
        NativeBackend.warmUp();
        app = new KaribuApp(1);
        runs = app.runs;
        sweeps = app.sweeps;
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    static JsonNode option(Chart chart) {
        return Json.read(chart.option(), JsonNode.class);
    }

    /** The series of a chart by name. */
    static JsonNode series(Chart chart, String name) {
        for (JsonNode s : option(chart).get("series")) if (s.get("name").asText().equals(name)) return s;
        throw new AssertionError("no series '" + name + "' in " + chart.option());
    }

    @Test
    void aStudentStartsASweepAndWatchsWhereEachModelBreaks() throws Exception {
        UI.getCurrent().navigate("");
        _click(_get(Button.class, spec -> spec.withId("lesson-distance-sweep")));
        NewSweepView form = _get(NewSweepView.class);
        assertEquals(Set.of("rnn", "lstm"), form.models.getValue(), "the lesson's models");
        assertEquals("5, 10, 15, 20, 25, 30", form.distances.getValue());
        assertEquals("2 models × 6 distances × 1 seed = 12 runs, queued at once.", form.size.getText());
        _setValue(form.distances, "4, 3");
        _setValue(form.iterations, 3);
        assertEquals("2 models × 2 distances × 1 seed = 4 runs, queued at once.", form.size.getText());
        _click(form.start);

        SweepView page = _get(SweepView.class);
        String id = page.link.getValue().substring(page.link.getValue().lastIndexOf('/') + 1);
        SweepService.View sweep = sweeps.view(id, java.util.List.of());
        assertEquals(4, sweep.points().size());
        // untouched fields keep the lesson's settings: its LSTM's open forget gate and its hidden size
        Run lstm = runs.requireRun(sweep.points().stream().filter(p -> p.model().equals("lstm")).findFirst().orElseThrow().runId());
        assertEquals(5.0, lstm.settings().forgetBias);
        assertEquals(64, lstm.settings().hidden);
        assertEquals(3, lstm.settings().maxIterations);
        assertTrue(page.progress.getText().contains("4 runs, 0 finished · running"), page.progress.getText());
        assertTrue(page.cancel.isVisible(), "its owner may cancel it");
        assertEquals(0, series(page.panel.accuracy, "rnn runs").get("data").size(), "no point before a run finishes");

        runs.start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!sweeps.view(id, java.util.List.of()).status().equals("finished")) {
            assertTrue(System.nanoTime() < deadline, "the sweep finishes");
            Thread.sleep(100);
        }
        page.refresh();
        assertTrue(page.progress.getText().contains("4 runs, 4 finished · finished"), page.progress.getText());
        assertFalse(page.cancel.isVisible(), "nothing left to cancel");
        // accuracy against distance: a line per model, every run a point that opens it, guessing dashed at 1/8
        JsonNode rnnPoints = series(page.panel.accuracy, "rnn runs").get("data");
        assertEquals(2, rnnPoints.size());
        List<String> hrefs = new ArrayList<>();
        for (JsonNode p : rnnPoints) {
            hrefs.add(p.get("href").asText());
            assertTrue(p.get("name").asText().startsWith("rnn at d = "), p.toString());
        }
        sweeps.view(id, java.util.List.of()).points().stream().filter(p -> p.model().equals("rnn")).forEach(p -> assertTrue(hrefs.contains("runs/" + p.runId())));
        assertEquals(2, series(page.panel.accuracy, "lstm").get("data").size());
        assertEquals(0.125, series(page.panel.accuracy, "guessing").at("/markLine/data/0/yAxis").asDouble(), 1e-12);
        assertEquals(1.0, option(page.panel.accuracy).at("/yAxis/max").asDouble());
        // g(d)/g(0) on a log axis, at the last probe and (dashed) at iteration 0
        assertEquals("log", option(page.panel.flow).at("/yAxis/type").asText());
        assertEquals("dashed", series(page.panel.flow, "lstm at iteration 0").at("/lineStyle/type").asText());
        assertEquals(2, series(page.panel.flow, "rnn").get("data").size());

        // a point's own page leads back to the sweep
        UI.getCurrent().navigate("experiments/" + runs.requireRun(sweeps.view(id, java.util.List.of()).points().get(0).runId()).experimentId());
        assertEquals("sweeps/" + id, _get(com.vaadin.flow.component.html.Anchor.class, spec -> spec.withId("sweep-of-experiment")).getHref());
        UI.getCurrent().navigate("sweeps/" + id);
        page = _get(SweepView.class);

        // the points' table: tick two, Compare opens them
        assertEquals(4, GridKt._size(page.panel.points));
        for (int row = 0; row < 2; row++) {
            com.vaadin.flow.component.checkbox.Checkbox tick = (com.vaadin.flow.component.checkbox.Checkbox)
                    GridKt._getCellComponent(page.panel.points, row, "tick");
            assertTrue(tick.getAriaLabel().orElse("").startsWith("Compare "), "a tick a screen reader can name");
            _setValue(tick, true);
        }
        _click(page.panel.compare);
        CompareView compare = _get(CompareView.class);
        assertEquals(2, compare.selected.size());
    }

    @Test
    void aDistanceThatIsNotANumberIsRefusedInWords() {
        UI.getCurrent().navigate(NewSweepView.class);
        NewSweepView form = _get(NewSweepView.class);
        _setValue(form.distances, "5, ten");
        _click(form.start);
        assertTrue(_get(Span.class, spec -> spec.withId("sweep-form-error")).getText().contains("'ten' is not one"),
                form.error.getText());
        _setValue(form.distances, "5, 500");
        _click(form.start);
        assertTrue(form.error.getText().contains("between 2 and 150"), form.error.getText());
        assertEquals(0, runs.runsOfOwner(OwnerSession.owner().orElse("nobody")).size(), "nothing queued");
    }
}
