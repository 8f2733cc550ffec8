package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.UI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.model.Experiment;
import lab.gradient.model.Json;
import lab.gradient.model.Run;
import lab.gradient.runs.RunEvent;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.store.QueueStore;
import lab.gradient.store.RecordStore;
import lab.gradient.store.RunStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.TrainingObserver;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A page following a training run reads its history once, then grows by what the run's events carry: a tick with
 * nothing new does nothing, and a tick after a batch costs that batch, not a re-read of the run's history.
 */
class ExperimentViewLiveTest {
    static final int HISTORY = 3000;
    KaribuApp app;
    Database database;
    RunEvents events;
    RunService runs;
    RunStore store;

    @BeforeEach
    void setUp() {
        // not started: the "training" here is the test publishing what a training thread would
        app = new KaribuApp(1);
        database = app.database;
        store = app.store;
        events = app.events;
        runs = app.runs;
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    static TrainingObserver.IterationMetrics iteration(int i) {
        Map<String, Double> norms = new LinkedHashMap<>();
        norms.put("rnn1.W_h", 0.5);
        norms.put("total", 1.0 + i % 7);
        return new TrainingObserver.IterationMetrics(i, 0, 5.0 - i * 1e-3, norms, norms, Map.of("rnn1", 1e-3), i * 0.01);
    }

    @Test
    void aTickCostsWhatIsNewNotTheHistory() {
        String experiment = "e1", run = "r1";
        store.insertExperiment(new Experiment(experiment, "live", "owner", null, CorpusSpec.ofPreset("seed-examples", null), null, null),
                List.of(new Run(run, experiment, 0, "rnn", new TrainingSettings(), "owner", null, "queued", null, null, null, 0, 5000, null, null, null, Double.NaN, null)), List.of("key-" + run));
        store.queue().claim(run, "test");
        // the run has recorded 3,000 iterations before the page opens
        List<String> columns = List.of("loss", "seconds", "gradNorm.rnn1.W_h", "gradNorm.total", "gradNormClipped.rnn1.W_h",
                "gradNormClipped.total", "updateRatio.rnn1");
        List<float[]> rows = new ArrayList<>();
        for (int i = 1; i <= HISTORY; i++) rows.add(new float[] {5f - i * 1e-3f, i * 0.01f, 0.5f, 1f + i % 7, 0.5f, 1f + i % 7, 1e-3f});
        store.records().append(new QueueStore.Lease(run, "test"), new RecordStore.Batch(columns, 1, rows, List.of(), List.of(), List.of()), HISTORY, 5000);

        UI.getCurrent().navigate("experiments/" + experiment);
        ExperimentView view = _get(ExperimentView.class);
        assertEquals(HISTORY, view.records.get(run).points());
        assertEquals(HISTORY, lastLossIteration(view));

        // from now on the database's history is gone: a page that re-read it would lose its lines
        database.jdbi().useHandle(h -> h.execute("DELETE FROM training_metric_chunks WHERE training_id = ?", run));
        String before = view.loss.option();
        view.tick();
        assertEquals(before, view.loss.option(), "nothing heard, nothing redrawn");
        assertEquals(HISTORY, view.records.get(run).points());

        // a batch that repeats the last stored iteration and brings 20 new ones
        List<TrainingObserver.IterationMetrics> batch = new ArrayList<>();
        for (int i = HISTORY; i <= HISTORY + 20; i++) batch.add(iteration(i));
        events.publish(new RunEvent.Metrics(run, batch, List.of(), List.of(), List.of()));
        view.tick();
        assertEquals(HISTORY + 20, view.records.get(run).points(), "the 20 new points appended, the repeated one once");
        assertEquals(HISTORY + 20, lastLossIteration(view));
    }

    @Test
    void aWaitingRunSaysWhereItStandsInLine() {
        // nobody trains here (the service is not started): both arms wait, the LSTM behind the RNN
        RunService.Submitted submitted = runs.submit(new RunService.ExperimentSpec("waiting", null, CorpusSpec.ofPreset("seed-examples", null),
                List.of(new RunService.Arm(lab.gradient.training.ModelKind.RNN, new TrainingSettings()),
                        new RunService.Arm(lab.gradient.training.ModelKind.LSTM, new TrainingSettings()))), "owner");
        UI.getCurrent().navigate("experiments/" + submitted.experimentId());
        ExperimentView view = _get(ExperimentView.class);
        List<String> cards = view.runCards.getChildren().map(c -> c.getElement().getTextRecursively()).toList();
        assertEquals(2, cards.size());
        // no run has finished on this server: places without a time
        org.junit.jupiter.api.Assertions.assertTrue(cards.get(0).contains("next in line") && !cards.get(0).contains("starts in"), cards.get(0));
        // the owner holds one place: the second arm takes the next when the first starts
        org.junit.jupiter.api.Assertions.assertTrue(cards.get(1).contains("after your earlier run") && !cards.get(1).contains("in line"), cards.get(1));
        assertEquals(" · 3rd in line · starts in about 2 min", ExperimentView.inLine(new lab.gradient.runs.QueueForecast.Place(3, 130)));
        assertEquals(" · 12th in line · starts in about 40 s", ExperimentView.inLine(new lab.gradient.runs.QueueForecast.Place(12, 40)));
        assertEquals(" · 3rd in line · starts in about 2 min (60 s – 4 min)",
                ExperimentView.inLine(new lab.gradient.runs.QueueForecast.Place(3, 0, 130, 60, 240)), "with the range of the server's paces");
        assertEquals(" · after 2 of your earlier runs · starts in about 3 min",
                ExperimentView.inLine(new lab.gradient.runs.QueueForecast.Place(null, 2, 200, 200, 200)));
    }

    /** The x of the last point of the first arm's training-loss line, as the chart will draw it. */
    static int lastLossIteration(ExperimentView view) {
        JsonNode data = Json.read(view.loss.option(), JsonNode.class).at("/series/0/data");
        return data.get(data.size() - 1).get(0).asInt();
    }
}
