package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import lab.gradient.model.Flow;
import lab.gradient.model.MetricSeries;
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

/** The run service over a real H2 database, training real (tiny) models. */
public class RunServiceTest {
    Database database;
    RunStore store;
    final List<RunService> services = new ArrayList<>();

    @BeforeAll
    static void backend() {
        NativeBackend.warmUp();
    }

    /** The database each test opens: H2 here, PostgreSQL in {@link RunServicePostgresTest}. */
    String databaseUrl() {
        return "jdbc:h2:mem:runs-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @BeforeEach
    void openDatabase() {
        database = Database.open(databaseUrl());
        store = new RunStore(database);
    }

    @AfterEach
    void close() {
        services.forEach(RunService::close);
        database.close();
    }

    RunService service(int workers, QueuePolicy policy) {
        RunService service = new RunService(store, new RunEvents(), workers, policy);
        services.add(service);
        return service;
    }

    /** A model small enough that a step takes milliseconds, for tests that need real runs but not their results. */
    public static TrainingSettings tiny(int iterations) {
        TrainingSettings s = new TrainingSettings();
        s.hidden = 8;
        s.embedding = 4;
        s.window = 10;
        s.batch = 4;
        s.epochs = 10_000;
        s.maxIterations = iterations;
        s.probeEvery = 5;
        return s;
    }

    private static final AtomicLong seeds = new AtomicLong(1000);

    /** A seed no other run of this JVM's tests used: a run with it trains on its own. */
    public static long freshSeed() {
        return seeds.incrementAndGet();
    }

    /**
     * Arms with seeds never used before: each run trains on its own here (identical runs would share one training,
     * which {@link SharedTrainingTest} tests).
     */
    static RunService.ExperimentSpec experiment(int iterations, ModelKind... kinds) {
        List<RunService.Arm> arms = new ArrayList<>();
        for (ModelKind k : kinds) {
            TrainingSettings s = tiny(iterations).tunedFor(k);
            s.seed = freshSeed();
            arms.add(new RunService.Arm(k, s));
        }
        return new RunService.ExperimentSpec("test", null, CorpusSpec.ofPreset("seed-examples", null), arms);
    }

    void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(50);
        }
    }

    String status(String runId) {
        return store.run(runId).orElseThrow().status();
    }

    boolean allFinished(List<String> ids) {
        return ids.stream().allMatch(id -> RunStatus.of(status(id)).isFinal());
    }

    @Test
    void submittedRunsTrainAndEverythingTheyRecordIsStored() throws Exception {
        RunService service = service(2, QueuePolicy.defaults(2));
        service.start();
        RunService.Submitted submitted = service.submit(experiment(20, ModelKind.RNN, ModelKind.LSTM), "alice");
        List<String> ids = submitted.runs().stream().map(Run::id).toList();
        assertEquals(2, ids.size());
        await("both runs finish", () -> allFinished(ids));
        for (String id : ids) {
            Run run = store.run(id).orElseThrow();
            assertEquals("completed", run.status(), run.error());
            assertEquals(20, run.iterations());
            assertEquals(20, run.summary().iterations());
            MetricSeries metrics = service.metrics(id);
            assertEquals(20, metrics.size(), "no metric row lost");
            assertEquals(1, metrics.iteration()[0]);
            assertEquals(20, metrics.iteration()[19]);
            assertTrue(metrics.columns().containsKey("gradNorm.rnn1.W_h"));
            assertTrue(metrics.columns().containsKey("gradNormClipped.total"));
            assertTrue(metrics.columns().containsKey("updateRatio.out"));
            assertFalse(service.validations(id).isEmpty());
            assertEquals(List.of(0, 5, 10, 15, 20), service.gradientFlow(id).stream().map(Flow::iteration).toList());
            assertEquals(10, service.gradientFlow(id).get(0).norms().length);
            assertEquals(5, service.spectra(id).size());
            assertEquals(1, store.records().recordCounts(id).get("training_models"));
        }
        assertTrue(service.predictor(ids.get(1)).orElseThrow().next("marathi is", 3).predictions().size() == 3);
    }

    @Test
    void predictionWorksAfterARestartFromTheStoredModel() throws Exception {
        RunService first = service(1, QueuePolicy.defaults(1));
        first.start();
        String id = first.submit(experiment(10, ModelKind.LSTM), "alice").runs().get(0).id();
        await("the run finishes", () -> allFinished(List.of(id)));
        var before = first.predictor(id).orElseThrow().next("marathi is spoken in", 5);
        first.close();

        RunService restarted = service(1, QueuePolicy.defaults(1));
        var after = restarted.predictor(id).orElseThrow().next("marathi is spoken in", 5);
        assertEquals(before.predictions().stream().map(p -> p.word()).toList(), after.predictions().stream().map(p -> p.word()).toList());
        assertEquals(before.predictions().get(0).p(), after.predictions().get(0).p(), 1e-6);
    }

    @Test
    void liveEventsReportProgressMetricBatchesAndTheFinalStatus() throws Exception {
        RunService service = service(1, QueuePolicy.defaults(1));
        String id = service.submit(experiment(30, ModelKind.RNN), "alice").runs().get(0).id();
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch finished = new CountDownLatch(1);
        try (AutoCloseable subscription = service.events().subscribe(id, store.run(id).orElseThrow().trainingId(), e -> {
            events.add(e);
            if (e instanceof RunEvent.Status s && s.finished()) finished.countDown();
        })) {
            service.start();
            assertTrue(finished.await(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(new RunEvent.Status(id, RunStatus.RUNNING, false), events.get(0));
        assertEquals(new RunEvent.Status(id, RunStatus.COMPLETED, true), events.get(events.size() - 1));
        assertEquals(30, events.stream().filter(e -> e instanceof RunEvent.Progress).count());
        int metricRows = events.stream().filter(e -> e instanceof RunEvent.Metrics)
                .mapToInt(e -> ((RunEvent.Metrics) e).iterations().size()).sum();
        assertEquals(30, metricRows, "the batches carry every iteration once");
    }

    /** Progress events of one run, collected until it ends. */
    List<RunEvent.Progress> progressOf(RunService service, java.util.function.Supplier<String> submit) throws Exception {
        String id = submit.get();
        List<RunEvent.Progress> progress = new CopyOnWriteArrayList<>();
        CountDownLatch finished = new CountDownLatch(1);
        try (AutoCloseable subscription = service.events().subscribe(id, store.run(id).orElseThrow().trainingId(), e -> {
            if (e instanceof RunEvent.Progress p) progress.add(p);
            if (e instanceof RunEvent.Status s && s.finished()) finished.countDown();
        })) {
            service.start();
            assertTrue(finished.await(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        return progress;
    }

    @Test
    void aRunsFirstStepsEstimateTheTimeLeftFromTheRunsThisServerFinished() throws Exception {
        RunService service = service(1, QueuePolicy.defaults(1));
        List<RunEvent.Progress> alone = progressOf(service, () -> service.submit(experiment(40, ModelKind.RNN), "alice").runs().get(0).id());
        // nothing finished here yet: "estimating…" until the run has timed its own steps
        assertTrue(Double.isNaN(alone.get(1).etaSeconds()), "no estimate on a server with no finished run: " + alone.get(1));
        assertTrue(Double.isFinite(alone.get(alone.size() - 2).etaSeconds()), "the run's own pace later");

        service.close();
        RunService restarted = service(1, QueuePolicy.defaults(1));
        List<RunEvent.Progress> informed = progressOf(restarted, () -> restarted.submit(experiment(40, ModelKind.RNN), "alice").runs().get(0).id());
        assertTrue(store.run(informed.get(0).runId()).orElseThrow().flopsPerIteration() > 0, "its work per step is known at submission");
        RunEvent.Progress early = informed.get(1);
        double actualLeft = informed.get(informed.size() - 1).seconds() - early.seconds();
        assertTrue(Double.isFinite(early.etaSeconds()) && early.etaSeconds() > 0, "estimated from the first run: " + early);
        // set-up is averaged into the first run's pace, so the estimate leans high; it must still be the right size
        assertTrue(early.etaSeconds() < 20 * actualLeft + 1 && early.etaSeconds() > actualLeft / 20,
                "estimate " + early.etaSeconds() + " s vs " + actualLeft + " s actually left");
    }

    @Test
    void oneOwnersManyRunsDoNotHoldBackAnotherOwnersOne() throws Exception {
        RunService service = service(1, QueuePolicy.defaults(1));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            service.submit(experiment(3, ModelKind.RNN, ModelKind.RNN, ModelKind.RNN, ModelKind.RNN, ModelKind.RNN), "many")
                    .runs().forEach(r -> ids.add(r.id()));
        }
        String single = service.submit(experiment(3, ModelKind.RNN), "single").runs().get(0).id();
        ids.add(single);
        service.start();
        await("all 21 runs finish", () -> allFinished(ids));
        List<Run> byStart = new ArrayList<>(ids.stream().map(id -> store.run(id).orElseThrow()).toList());
        byStart.sort(Comparator.comparing(Run::startedAt).thenComparing(r -> r.id().equals(single) ? 1 : 0));
        int position = byStart.stream().map(Run::id).toList().indexOf(single);
        assertTrue(position <= 1, "the single run started " + (position + 1) + "th of 21");
    }

    @Test
    void limitsRefuseSubmissionsWithAClearMessageAndStoreNothing() {
        RunService service = service(1, new QueuePolicy(3, 100, 4, 1));
        Run queued = service.submit(experiment(3, ModelKind.RNN, ModelKind.RNN, ModelKind.RNN), "alice").runs().get(0);
        assertEquals(3, queued.totalIterations(), "a queued run already knows its length");
        SubmissionRefused perOwner = assertThrows(SubmissionRefused.class, () -> service.submit(experiment(3, ModelKind.RNN), "alice"));
        assertTrue(perOwner.getMessage().contains("at most 3"), perOwner.getMessage());
        service.submit(experiment(3, ModelKind.RNN), "bob");
        SubmissionRefused full = assertThrows(SubmissionRefused.class, () -> service.submit(experiment(3, ModelKind.RNN), "carol"));
        assertTrue(full.getMessage().contains("queue is full"), full.getMessage());
        assertEquals(4, store.queue().countQueued());
        assertTrue(service.runsOfOwner("carol").isEmpty());
    }

    @Test
    void oneClientAddressHoldsAtMostItsShareOfTheQueueHoweverManyIdentitiesItAsksFor() {
        RunService service = service(1, new QueuePolicy(20, 4, 500, 1));
        IssuedTokens tokens = new IssuedTokens(new lab.gradient.store.TokenStore(database));
        String first = OwnerTokens.ownerOf(tokens.issue("203.0.113.7")), second = OwnerTokens.ownerOf(tokens.issue("203.0.113.7"));
        service.submit(experiment(3, ModelKind.RNN, ModelKind.RNN, ModelKind.RNN), first);
        SubmissionRefused refused = assertThrows(SubmissionRefused.class, () -> service.submit(experiment(3, ModelKind.RNN, ModelKind.RNN), second));
        assertTrue(refused.getMessage().contains("network address"), refused.getMessage());
        service.submit(experiment(3, ModelKind.RNN), second);
        // another address is not held back by this one's runs
        service.submit(experiment(3, ModelKind.RNN, ModelKind.RNN, ModelKind.RNN, ModelKind.RNN), OwnerTokens.ownerOf(tokens.issue("198.51.100.2")));
        assertEquals(8, store.queue().countQueued());
    }

    /**
     * A worker that stalls past its lease (a long pause, a lost network) finds on its next write that its training was
     * given back and claimed by another worker: it stops there, and writes nothing over the new worker's training.
     */
    @Test
    void aWorkerWhoseLeaseRanOutWritesNothingOverTheTrainingsNewWorker() throws Exception {
        RunService service = service(1, QueuePolicy.defaults(1)).checkpointEvery(0.2);
        String run = service.submit(experiment(1_000_000, ModelKind.RNN), "alice").runs().get(0).id();
        String training = store.run(run).orElseThrow().trainingId();
        service.start();
        await("the run has a checkpoint", () -> store.records().checkpoint(training).isPresent());
        // what recoverExpired and another worker's claim do when the lease runs out, in one statement here, so that the
        // stalled worker (which is not stalled in this test) cannot renew its lease in between
        // (whose lease is long: nobody renews it here)
        database.jdbi().useHandle(h -> h.execute("UPDATE trainings SET worker = 'another-worker', "
                + "lease_until = CURRENT_TIMESTAMP + INTERVAL '1' HOUR WHERE id = ?", training));
        int iterations = store.run(run).orElseThrow().iterations();
        long chunks = database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM training_metric_chunks WHERE training_id = ?")
                .bind(0, training).mapTo(Long.class).one());

        // the first worker is free again (its one thread trains the next run) and wrote nothing more to the first
        String next = service.submit(experiment(30, ModelKind.RNN), "bob").runs().get(0).id();
        await("the first worker trains another run", () -> status(next).equals("completed"));
        assertEquals("running", status(run));
        assertEquals(iterations, store.run(run).orElseThrow().iterations());
        long chunksNow = database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM training_metric_chunks WHERE training_id = ?")
                .bind(0, training).mapTo(Long.class).one());
        assertEquals(chunks, chunksNow, "metric chunks written after the lease was lost");
        assertEquals("another-worker", database.jdbi().withHandle(h -> h.createQuery("SELECT worker FROM trainings WHERE id = ?")
                .bind(0, training).mapTo(String.class).one()));
    }

    @Test
    void queuedAndRunningRunsCanBeCancelled() throws Exception {
        RunService service = service(1, QueuePolicy.defaults(1));
        List<Run> runs = service.submit(experiment(1_000_000, ModelKind.LSTM, ModelKind.LSTM), "alice").runs();
        String first = runs.get(0).id(), second = runs.get(1).id();
        assertTrue(service.cancel(second));
        assertEquals("cancelled", status(second));
        service.start();
        await("the first run has stored some iterations", () -> store.run(first).orElseThrow().iterations() > 0);
        assertTrue(service.cancel(first));
        await("the first run ends", () -> allFinished(List.of(first)));
        assertEquals("cancelled", status(first));
        assertTrue(service.metrics(first).size() > 0, "what it recorded is kept");
        assertFalse(service.cancel(first), "an ended run cannot be cancelled again");
    }

    @Test
    void deletingARunRemovesAllOfItAndNothingElse() throws Exception {
        RunService service = service(2, QueuePolicy.defaults(2));
        service.start();
        RunService.Submitted a = service.submit(experiment(10, ModelKind.RNN, ModelKind.LSTM), "alice");
        RunService.Submitted b = service.submit(experiment(10, ModelKind.RNN), "alice");
        List<String> all = new ArrayList<>();
        a.runs().forEach(r -> all.add(r.id()));
        b.runs().forEach(r -> all.add(r.id()));
        await("all finish", () -> allFinished(all));
        String doomed = a.runs().get(0).id(), kept = a.runs().get(1).id(), other = b.runs().get(0).id();
        Map<String, Integer> keptBefore = store.records().recordCounts(kept), otherBefore = store.records().recordCounts(other);

        assertTrue(service.delete(doomed));
        assertTrue(store.run(doomed).isEmpty());
        assertTrue(store.records().recordCounts(doomed).values().stream().allMatch(n -> n == 0), store.records().recordCounts(doomed).toString());
        assertEquals(keptBefore, store.records().recordCounts(kept));
        assertEquals(otherBefore, store.records().recordCounts(other));

        assertTrue(service.deleteExperiment(a.experimentId()));
        assertTrue(store.run(kept).isEmpty());
        assertTrue(store.experiment(a.experimentId()).isEmpty());
        assertEquals(otherBefore, store.records().recordCounts(other));
    }

    @Test
    void eightOwnersAtOnceAllCompleteWithEveryMetricRowWhileReadersRead() throws Exception {
        RunService service = service(2, QueuePolicy.defaults(2));
        service.start();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<String>> submissions = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            String owner = "owner-" + i;
            ModelKind kind = i % 2 == 0 ? ModelKind.RNN : ModelKind.LSTM;
            submissions.add(clients.submit(() -> {
                go.await();
                return service.submit(experiment(25, kind), owner).runs().get(0).id();
            }));
        }
        go.countDown();
        List<String> ids = new ArrayList<>();
        for (Future<String> f : submissions) ids.add(f.get());
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        List<Throwable> readerErrors = Collections.synchronizedList(new ArrayList<>());
        ExecutorService readers = Executors.newFixedThreadPool(3);
        for (int r = 0; r < 3; r++) {
            readers.submit(() -> {
                while (!done.get()) {
                    try {
                        for (MetricSeries m : service.metrics(ids)) assertTrue(m.size() <= 25);
                        reads.incrementAndGet();
                    } catch (Throwable t) {
                        readerErrors.add(t);
                    }
                }
            });
        }
        await("all eight finish", () -> allFinished(ids));
        done.set(true);
        readers.shutdown();
        clients.shutdown();
        assertTrue(readerErrors.isEmpty(), readerErrors.toString());
        assertTrue(reads.get() > 0);
        assertEquals(8, ids.stream().distinct().count());
        for (String id : ids) {
            assertEquals("completed", status(id));
            assertEquals(25, service.metrics(id).size(), "metric rows of " + id);
            assertEquals(25, store.records().recordCounts(id).get("metricRows"));
        }
    }
}
