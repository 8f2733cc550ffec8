package lab.gradient.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lab.gradient.labs.LabException;
import lab.gradient.labs.LabService;
import lab.gradient.labs.LabSettings;
import lab.gradient.model.Json;
import lab.gradient.model.Lab;
import lab.gradient.model.Run;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.NotPermitted;
import lab.gradient.runs.OwnerTokens;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.runs.SubmissionRefused;
import lab.gradient.store.Database;
import lab.gradient.store.LabStore;
import lab.gradient.store.RunStore;
import lab.gradient.store.SweepStore;
import lab.gradient.store.TokenStore;
import lab.gradient.training.NativeBackend;
import lab.gradient.training.SettingsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sweeps on a real database with a real worker training real (tiny) models; PostgreSQL in {@link SweepServicePostgresTest}. */
class SweepServiceTest {
    /** Tiny runs: each point trains in well under a second. */
    static final String TINY = "\"training\": {\"maxIterations\": 3, \"hidden\": 8, \"embedding\": 8, \"batch\": 8, \"probeEvery\": 1}";

    Database db;
    IssuedTokens tokens;
    LabService labs;
    RunService runs;
    SweepService sweeps;

    String databaseUrl() {
        return "jdbc:h2:mem:sweeps-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @BeforeEach
    void open() {
        NativeBackend.warmUp();
        db = Database.open(databaseUrl());
        tokens = new IssuedTokens(new TokenStore(db));
        labs = new LabService(new LabStore(db), tokens);
        runs = new RunService(new RunStore(db), new RunEvents(), 1, QueuePolicy.defaults(1), 600, labs);
        sweeps = new SweepService(new SweepStore(db), runs, labs);
    }

    @AfterEach
    void close() {
        runs.close();
        db.close();
    }

    private String owner() {
        return OwnerTokens.ownerOf(tokens.issue(null));
    }

    private static ObjectNode body(String json) {
        return (ObjectNode) Json.read(json, com.fasterxml.jackson.databind.JsonNode.class);
    }

    private SweepService.View awaitFinished(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            SweepService.View view = sweeps.view(id, List.of());
            if (view.status().equals("finished")) return view;
            assertTrue(System.nanoTime() < deadline, "the sweep did not finish in 2 minutes: " + view.points());
            Thread.sleep(100);
        }
    }

    @Test
    void aSweepQueuesOneOrdinaryRunPerCellAndPlotsEachModelAgainstDistanceAsTheyFinish() throws Exception {
        String owner = owner();
        SweepService.Created created = sweeps.create(body("{\"name\": \"mine\", \"models\": [\"rnn\", {\"model\": \"lstm\", \"forgetBias\": 5}], "
                + "\"distances\": [4, 3], \"seeds\": 2, " + TINY + "}"), owner);
        assertEquals(8, created.runs().size(), "2 models × 2 distances × 2 seeds");
        runs.start();
        SweepService.View view = awaitFinished(created.id());

        assertEquals(List.of(3, 4), view.grid().distances(), "distances in ascending order");
        assertEquals(8, view.points().size());
        assertEquals(8, view.cells());
        assertEquals(1.0 / 8, view.guessing(), 1e-12);
        for (SweepService.Point p : view.points()) {
            assertEquals("completed", p.status(), p.toString());
            assertTrue(p.longRangeAccuracy() >= 0 && p.longRangeAccuracy() <= 1, p.toString());
            assertTrue(p.flowRatio() > 0, p.toString());
            // every point is an ordinary run of its owner, on the long-range preset at its distance, with its seed
            Run run = runs.requireRun(p.runId());
            assertEquals(owner, run.owner());
            assertEquals(p.model(), run.model());
            assertEquals(p.seed(), run.settings().seed);
            assertEquals(p.distance(), runs.requireExperiment(run.experimentId()).corpus().effectiveDistance());
            assertEquals(p.distance() + 4, run.settings().window, "the model's own long-range settings: window d + 4");
            assertEquals(8, run.settings().hidden, "the sweep's training settings");
            assertEquals(p.model().equals("lstm") ? 5.0 : 1.0, run.settings().forgetBias, "the model's own object");
        }
        assertEquals(List.of(42L, 43L), view.points().stream().map(SweepService.Point::seed).distinct().sorted().toList());
        // per model and distance: the median of its two seeds and their range
        for (SweepService.Curves curve : view.curves()) {
            assertEquals(2, curve.accuracy().size());
            for (SweepService.Summary s : curve.accuracy()) {
                List<Double> seeds = view.points().stream().filter(p -> p.model().equals(curve.model()) && p.distance() == s.distance())
                        .map(SweepService.Point::longRangeAccuracy).sorted().toList();
                assertEquals(2, s.n());
                assertEquals((seeds.get(0) + seeds.get(1)) / 2, s.median(), 1e-12);
                assertEquals(seeds.get(0), s.low(), 1e-12);
                assertEquals(seeds.get(1), s.high(), 1e-12);
            }
        }
    }

    @Test
    void aSettingGivenReplacesOnlyThatOneOfTheLessonsAndAnEmptySweepIsTheLessonsOwn() {
        SweepService.Created created = sweeps.create(body("{\"models\": [\"rnn\"], \"distances\": [3], \"training\": {\"hidden\": 8}}"), owner());
        Run run = created.runs().get(0);
        assertEquals(8, run.settings().hidden);
        assertEquals(1000, run.settings().maxIterations, "the lesson's budget stays");
        assertEquals(42, run.settings().seed);
        SweepService.View lesson = sweeps.view(sweeps.create(body("{}"), owner()).id(), List.of());
        assertEquals(List.of(5, 10, 15, 20, 25, 30), lesson.grid().distances());
        assertEquals(List.of("rnn", "lstm"), lesson.grid().modelIds());
        assertEquals("Where does each model break?", lesson.name());
        assertEquals(12, lesson.points().size());
    }

    @Test
    void aGridThatCannotTrainIsRefusedWhenSubmittedNamingItsField() {
        String owner = owner();
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("{\"distances\": [1]}", "distances[0]");
        refusals.put("{\"distances\": [5, 5]}", "distances[1]");
        refusals.put("{\"distances\": []}", "distances");
        refusals.put("{\"models\": [\"gru\"]}", "models[0]");
        refusals.put("{\"models\": [\"rnn\", \"rnn\"]}", "models[1]");
        refusals.put("{\"models\": [{\"model\": \"lstm\", \"hidden\": 0}]}", "models[0].hidden");
        refusals.put("{\"models\": [{\"model\": \"lstm\", \"seed\": 3}]}", "models[0].seed");
        refusals.put("{\"seeds\": 6}", "seeds");
        refusals.put("{\"training\": {\"hidden\": 0}}", "training.hidden");
        refusals.put("{\"training\": {\"window\": 500}}", "training.window");
        refusals.put("{\"colour\": \"blue\"}", "colour");
        refusals.forEach((json, field) -> {
            SettingsException e = assertThrows(SettingsException.class, () -> sweeps.create(body(json), owner), json);
            assertEquals(field, e.field(), json + ": " + e.reason());
        });
        // a grid over the owner's limit of runs at once is refused whole: nothing of it is queued
        SubmissionRefused refused = assertThrows(SubmissionRefused.class, () -> sweeps.create(body("{\"seeds\": 2}"), owner));
        assertTrue(refused.getMessage().contains("this asks for 24"), refused.getMessage());
        assertEquals(0, runs.runsOfOwner(owner).size());
    }

    @Test
    void cancellingASweepCancelsItsQueuedRunsAndOnlyItsOwnerMay() {
        String owner = owner();
        SweepService.Created created = sweeps.create(body("{\"distances\": [5, 10], " + TINY + "}"), owner);
        // nothing trains yet (the workers are not started): every point is queued
        assertThrows(NotPermitted.class, () -> sweeps.cancel(created.id(), List.of(owner())));
        assertEquals(4, sweeps.cancel(created.id(), List.of(owner)));
        SweepService.View view = sweeps.view(created.id(), List.of());
        view.points().forEach(p -> assertEquals(RunStatus.CANCELLED.id(), p.status(), p.toString()));
        assertEquals("finished", view.status());
        assertEquals(0, sweeps.cancel(created.id(), List.of(owner)), "nothing left to cancel");
    }

    @Test
    void thirtyStudentsStartingAtOnceAreGivenThirtyDifferentCells() throws Exception {
        // 2 models × 6 distances × 3 seeds = 36 cells; nothing trains, so every start is only the claim and the submission
        Lab lab = labs.create("Sweep lab", LabSettings.parse(body("{\"sweep\": {\"seeds\": 3, " + TINY + "}}")), null).lab();
        List<String> students = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String student = owner();
            labs.join(lab.joinCode(), "Student " + i, student);
            students.add(student);
        }
        String sweepId = sweeps.ofLab(lab).orElseThrow().id();
        assertEquals("waiting", sweeps.view(sweepId, List.of()).status());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(30);
        try {
            List<Future<SweepService.Point>> given = new ArrayList<>();
            for (String student : students) {
                given.add(pool.submit(() -> {
                    go.await();
                    return sweeps.start(sweepId, student);
                }));
            }
            go.countDown();
            List<String> cells = new ArrayList<>();
            for (Future<SweepService.Point> f : given) {
                SweepService.Point p = f.get();
                cells.add(p.model() + "@" + p.distance() + "#" + p.seed());
            }
            assertEquals(30, new java.util.HashSet<>(cells).size(), "30 starts, 30 different cells: " + cells);
        } finally {
            pool.shutdownNow();
        }
        SweepService.View view = sweeps.view(sweepId, List.of(lab.teacher()));
        assertEquals(30, view.points().size());
        assertEquals(30, view.started());
        assertEquals(36, view.cells());
        // cells are given seed by seed: the first 24 starts covered seeds 42 and 43 whole, the rest are seed 44's
        assertEquals(24, view.points().stream().filter(p -> p.seed() < 44).count());
        // each point is its student's, as the dashboard shows it
        assertEquals(30, view.points().stream().map(SweepService.Point::student).distinct().count());
        view.points().forEach(p -> assertTrue(p.student().startsWith("Student "), p.toString()));
        assertEquals(30, sweeps.view(sweepId, List.of(students.get(7))).points().stream().map(SweepService.Point::student)
                .distinct().count(), "a student of the lab sees the class's names too");
        // the sweep's link is shared freely: a stranger sees the points, not who trained them, nor the lab
        SweepService.View stranger = sweeps.view(sweepId, List.of(owner()));
        assertEquals(30, stranger.points().size());
        assertNull(stranger.lab());
        stranger.points().forEach(p -> assertNull(p.student(), p.toString()));
        assertNull(sweeps.view(sweepId, List.of()).lab(), "nor anyone without a token");
    }

    @Test
    void aFullGridGivesEachCellOnceBeforeAnyTwiceAndARepeatJoinsTheSameTraining() {
        Lab lab = labs.create("Small grid", LabSettings.parse(body("{\"sweep\": {\"models\": [\"rnn\"], \"distances\": [3, 4], "
                + TINY + "}}")), null).lab();
        String sweepId = sweeps.ofLab(lab).orElseThrow().id();
        Map<Integer, Integer> given = new HashMap<>();
        List<SweepService.Point> points = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String student = owner();
            labs.join(lab.joinCode(), "S" + i, student);
            SweepService.Point p = sweeps.start(sweepId, student);
            points.add(p);
            given.merge(p.distance(), 1, Integer::sum);
        }
        assertEquals(List.of(3, 4, 3, 4, 3), points.stream().map(SweepService.Point::distance).toList());
        assertEquals(Map.of(3, 3, 4, 2), given);
        // identical settings: the repeat shares the first one's training instead of training again
        assertEquals(runs.requireRun(points.get(0).runId()).trainingId(), runs.requireRun(points.get(2).runId()).trainingId());
        // outside the sweep, the lab admits nothing
        String student = owner();
        labs.join(lab.joinCode(), "Outsider", student);
        SettingsException e = assertThrows(SettingsException.class, () -> runs.submit(ExperimentRequests.parse(
                body("{\"lab\": \"" + lab.joinCode() + "\", \"corpus\": {\"preset\": \"long-range\", \"distance\": 3}, \"arms\": [{\"model\": \"rnn\"}]}")),
                student));
        assertEquals("lab", e.field());
        // and a stranger may not start the class sweep
        assertThrows(LabException.class, () -> sweeps.start(sweepId, owner()));
        assertEquals(5, sweeps.view(sweepId, List.of()).points().size(), "a refused start leaves no point behind");
    }

    @Test
    void aRefusedStartGivesItsCellBack() {
        Lab lab = labs.create("Limited", LabSettings.parse(body("{\"maxRunsPerStudent\": 1, \"sweep\": {\"models\": [\"rnn\"], "
                + "\"distances\": [3, 4], " + TINY + "}}")), null).lab();
        String sweepId = sweeps.ofLab(lab).orElseThrow().id();
        String student = owner();
        labs.join(lab.joinCode(), "Asha", student);
        assertEquals(3, sweeps.start(sweepId, student).distance());
        assertThrows(SubmissionRefused.class, () -> sweeps.start(sweepId, student));
        String other = owner();
        labs.join(lab.joinCode(), "Ravi", other);
        assertEquals(4, sweeps.start(sweepId, other).distance(), "the refused start's cell (d = 4) is still the next one");
        assertEquals(2, sweeps.view(sweepId, List.of()).points().size());
    }
}
