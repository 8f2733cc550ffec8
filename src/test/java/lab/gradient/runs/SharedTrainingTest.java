package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import lab.gradient.model.Run;
import lab.gradient.store.Database;
import lab.gradient.store.RunStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.NativeBackend;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Identical runs train once: a second student's identical submission follows the first's training (live while it
 * trains, its result once done), reads exactly as if it had trained alone, and cancelling or deleting one student's run
 * never takes anything from another's. A changed seed trains anew. Real H2, real (tiny) trainings.
 */
class SharedTrainingTest {
    Database database;
    RunStore store;
    final List<RunService> services = new ArrayList<>();

    @BeforeAll
    static void backend() {
        NativeBackend.warmUp();
    }

    /** The database each test opens: H2 here, PostgreSQL in {@link SharedTrainingPostgresTest}. */
    String databaseUrl() {
        return "jdbc:h2:mem:shared-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @BeforeEach
    void open() {
        database = Database.open(databaseUrl());
        store = new RunStore(database);
    }

    @AfterEach
    void close() {
        services.forEach(RunService::close);
        database.close();
    }

    RunService service() {
        RunService service = new RunService(store, new RunEvents(), 1, QueuePolicy.defaults(1));
        services.add(service);
        return service;
    }

    static RunService.ExperimentSpec experiment(int iterations, long seed) {
        TrainingSettings s = RunServiceTest.tiny(iterations);
        s.seed = seed;
        return new RunService.ExperimentSpec("shared", null, CorpusSpec.ofPreset("seed-examples", null),
                List.of(new RunService.Arm(ModelKind.RNN, s.tunedFor(ModelKind.RNN))));
    }

    String submit(RunService service, String owner, int iterations, long seed) {
        return service.submit(experiment(iterations, seed), owner).runs().get(0).id();
    }

    Run run(String id) {
        return store.run(id).orElseThrow();
    }

    int trainings() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM trainings").mapTo(Integer.class).one());
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void twoIdenticalSubmissionsTrainOnceAndEachReadsAsIfItHadTrainedAlone() throws Exception {
        RunService service = service();
        String asha = submit(service, "asha", 40, 42), ben = submit(service, "ben", 40, 42), chen = submit(service, "chen", 40, 43);
        assertEquals(run(asha).trainingId(), run(ben).trainingId(), "the same key: one training");
        assertNotEquals(run(asha).trainingId(), run(chen).trainingId(), "another seed trains anew");
        assertEquals(2, trainings());
        List<RunEvent> heardByBen = new CopyOnWriteArrayList<>();
        try (AutoCloseable subscription = service.events().subscribe(ben, run(ben).trainingId(), heardByBen::add)) {
            service.start();
            await("all three finish", () -> List.of(asha, ben, chen).stream().allMatch(id -> RunStatus.of(run(id).status()).isFinal()));
        }
        assertEquals("completed", run(asha).status());
        assertEquals("completed", run(ben).status());
        assertEquals(run(asha).summary(), run(ben).summary(), "the same result");
        assertEquals(40, run(ben).iterations());
        assertEquals(40, service.metrics(ben).size(), "one set of 40 training steps, read by both");
        assertEquals(service.metrics(asha).columns().keySet(), service.metrics(ben).columns().keySet());
        assertEquals(store.records().recordCounts(asha), store.records().recordCounts(ben));
        // Ben's page heard the training as his own run: every step, then the end
        assertEquals(40, heardByBen.stream().filter(e -> e instanceof RunEvent.Progress).count());
        assertTrue(heardByBen.stream().allMatch(e -> e.runId().equals(ben)), "every event names Ben's run");
        assertEquals(new RunEvent.Status(ben, RunStatus.COMPLETED, true), heardByBen.get(heardByBen.size() - 1));
        assertEquals(service.predictor(asha).orElseThrow().next("marathi is", 3).predictions(),
                service.predictor(ben).orElseThrow().next("marathi is", 3).predictions());

        // a latecomer's identical run is complete at once, with the same result and its own id and link
        String dev = submit(service, "dev", 40, 42);
        assertEquals("completed", run(dev).status());
        assertEquals(run(asha).summary(), run(dev).summary());
        assertEquals(40, service.metrics(dev).size());
        assertEquals(2, trainings(), "nothing trained again");
        assertTrue(service.predictor(dev).isPresent());
    }

    @Test
    void cancellingOneStudentsRunLeavesTheOthersTraining() throws Exception {
        RunService service = service();
        String asha = submit(service, "asha", 1_000_000, 7), ben = submit(service, "ben", 1_000_000, 7);
        service.start();
        await("the shared training runs", () -> run(ben).iterations() > 5);
        assertTrue(service.cancel(asha));
        assertEquals("cancelled", run(asha).status());
        int then = run(ben).iterations();
        await("Ben's run goes on", () -> run(ben).iterations() > then + 10);
        assertEquals("running", run(ben).status());
        assertTrue(service.cancel(ben), "the last one following it stops the training");
        await("the training stops", () -> RunStatus.of(run(ben).status()).isFinal());
        assertEquals("cancelled", run(ben).status());
        assertEquals("cancelled", run(asha).status());
    }

    /** A training being stopped (its last follower left) is not joined: the newcomer's run would end cancelled with it. */
    @Test
    void aSubmissionIdenticalToATrainingBeingStoppedTrainsAnew() throws Exception {
        RunService service = service();
        String asha = submit(service, "asha", 1_000_000, 11);
        service.start();
        await("Asha's training runs", () -> run(asha).iterations() > 5);
        assertTrue(service.cancel(asha), "the only follower leaves: the training is asked to stop");
        String ben = submit(service, "ben", 1_000_000, 11);
        assertNotEquals(run(asha).trainingId(), run(ben).trainingId(), "Ben does not join a training that is stopping");
        await("Asha's training stops", () -> run(asha).status().equals("cancelled"));
        await("Ben's own training runs", () -> run(ben).iterations() > 5);
        assertEquals("running", run(ben).status());
        assertTrue(service.cancel(ben));
    }

    @Test
    void deletingOneStudentsRunKeepsEveryRecordOfTheOthers() throws Exception {
        RunService service = service();
        String asha = submit(service, "asha", 30, 5), ben = submit(service, "ben", 30, 5);
        service.start();
        await("both finish", () -> RunStatus.of(run(ben).status()).isFinal() && RunStatus.of(run(asha).status()).isFinal());
        var before = store.records().recordCounts(ben);
        assertTrue(service.delete(asha));
        assertTrue(store.run(asha).isEmpty());
        assertEquals(before, store.records().recordCounts(ben), "Ben's run lost nothing");
        assertEquals(30, service.metrics(ben).size());
        assertTrue(service.predictor(ben).isPresent());
        assertEquals(1, trainings());
        assertTrue(service.delete(ben));
        assertEquals(0, trainings(), "the last run gone, its training and records go too");
    }

    @Test
    void deletingTheOnlyRunFollowingAQueuedTrainingCancelsIt() throws Exception {
        RunService service = service();
        String asha = submit(service, "asha", 30, 9), ben = submit(service, "ben", 30, 9);
        assertTrue(service.cancel(asha));
        assertEquals("queued", run(ben).status(), "Ben still waits for it");
        assertTrue(service.delete(ben));
        assertEquals("cancelled", run(asha).status());
        assertEquals(1, trainings(), "Asha's cancelled run keeps its (empty) training");
        service.start();
        // the one worker takes the queue in order: once a later run has trained, the cancelled training was passed over
        String later = submit(service, "chen", 5, 10);
        await("a later run trains", () -> run(later).status().equals("completed"));
        String training = run(asha).trainingId();
        assertEquals("cancelled", trainingStatus(training), "nobody follows it: it never trains");
        int iterations = database.jdbi().withHandle(h -> h.createQuery("SELECT iterations FROM trainings WHERE id = ?").bind(0, training)
                .mapTo(Integer.class).one());
        assertEquals(0, iterations);
        assertEquals(0, store.records().metrics(asha).size(), "it recorded nothing");
    }

    String trainingStatus(String trainingId) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT status FROM trainings WHERE id = ?").bind(0, trainingId)
                .mapTo(String.class).one());
    }

    /**
     * Students submit the same experiment while its training is being claimed, trained and finished (issue 30: a run that
     * joined as the claim committed stayed queued for ever). Every run ends with the training's result.
     */
    @Test
    void identicalSubmissionsWhileTheTrainingIsClaimedAndFinishedAllEndWithIt() throws Exception {
        RunService service = service();
        service.start();
        List<String> runs = new CopyOnWriteArrayList<>();
        var threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> work = new ArrayList<>();
            for (int student = 0; student < 4; student++) {
                String owner = "student-" + student;
                work.add(threads.submit(() -> {
                    // a few milliseconds apart, from before the claim to after the finish of a 15-step training
                    for (int i = 0; i < 40; i++) {
                        runs.add(submit(service, owner + "-" + i, 15, 77));
                        Thread.sleep(5);
                    }
                    return null;
                }));
            }
            for (var w : work) w.get();
        } finally {
            threads.shutdownNow();
        }
        await("every run ends", () -> runs.stream().allMatch(id -> RunStatus.of(run(id).status()).isFinal()));
        for (String id : runs) {
            assertEquals("completed", run(id).status(), id);
            assertEquals(run(runs.get(0)).summary(), run(id).summary(), "one training's result");
        }
    }

    /** A cancel and an identical submission at the same moment, from two processes: the newcomer's run is never cancelled. */
    @Test
    void aCancelRacingAnIdenticalSubmissionNeverCancelsTheNewRun() throws Exception {
        RunService here = service(), elsewhere = service();
        var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 60; round++) {
                long seed = 5_000 + round;
                String asha = submit(here, "asha-" + round, 30, seed);
                var start = new java.util.concurrent.CyclicBarrier(2);
                var cancel = threads.submit(() -> {
                    start.await();
                    return here.cancel(asha);
                });
                var ben = threads.submit(() -> {
                    start.await();
                    return submit(elsewhere, "ben-" + seed, 30, seed);
                });
                assertTrue(cancel.get());
                assertEquals("queued", run(ben.get()).status(), "round " + round + ": Ben's run was cancelled with Asha's");
                assertEquals("queued", trainingStatus(run(ben.get()).trainingId()));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** A training this server's time budget cut short is not the result its settings ask for: nobody joins it (issue 30.7). */
    @Test
    void aTrainingCutShortByTheTimeBudgetIsNotSharedWithALaterIdenticalRun() throws Exception {
        RunService service = new RunService(store, new RunEvents(), 1, QueuePolicy.defaults(1), 1);
        services.add(service);
        String asha = submit(service, "asha", 1_000_000, 21);
        service.start();
        await("the budget stops Asha's run", () -> RunStatus.of(run(asha).status()).isFinal());
        assertEquals("completed", run(asha).status());
        assertTrue(run(asha).summary().budgetExhausted(), "cut short by the 1 s budget");
        String ben = submit(service, "ben", 1_000_000, 21);
        assertNotEquals(run(asha).trainingId(), run(ben).trainingId(), "Ben's run trains for itself");
        assertNotEquals("completed", run(ben).status(), "not handed Asha's cut-short result");
        service.cancel(ben);
    }
}
