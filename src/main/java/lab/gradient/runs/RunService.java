package lab.gradient.runs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.gradient.model.Experiment;
import lab.gradient.model.Flow;
import lab.gradient.model.ListedRun;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Run;
import lab.gradient.model.Spectrum;
import lab.gradient.model.Validation;
import lab.gradient.store.Ids;
import lab.gradient.store.QueueStore;
import lab.gradient.store.RecordStore;
import lab.gradient.store.RunStore;
import lab.gradient.training.Corpus;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.Cost;
import lab.gradient.training.Generation;
import lab.gradient.training.Inspection;
import lab.gradient.training.Inspector;
import lab.gradient.training.ModelKind;
import lab.gradient.training.Network;
import lab.gradient.training.Prediction;
import lab.gradient.training.Predictor;
import lab.gradient.training.TrainedModel;
import lab.gradient.training.Trainer;
import lab.gradient.training.TrainingData;
import lab.gradient.training.TrainingSettings;
import lab.gradient.training.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one service both front doors call: submit experiments, cancel and delete runs, read what runs recorded,
 * ask a trained model for the next word, and listen to runs live.
 */
public final class RunService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunService.class);
    private static final int CACHED_MODELS = 16;
    /** Ten minutes: long enough for every preset's default run, short enough that 30 students share two cores. */
    public static final int DEFAULT_RUN_BUDGET_SECONDS = 600;

    /** One arm of an experiment: a model and its effective settings. */
    public record Arm(ModelKind model, TrainingSettings settings) {}

    /**
     * {@code lesson}: the guided lesson's id when the experiment is one, else null; {@code sweep}: the sweep whose
     * point it is, else null (only the sweeps capability sets it: a lab whose experiment is a sweep admits nothing else).
     */
    public record ExperimentSpec(String name, String lab, CorpusSpec corpus, List<Arm> arms, String lesson, String sweep) {
        public ExperimentSpec(String name, String lab, CorpusSpec corpus, List<Arm> arms, String lesson) {
            this(name, lab, corpus, arms, lesson, null);
        }

        public ExperimentSpec(String name, String lab, CorpusSpec corpus, List<Arm> arms) {
            this(name, lab, corpus, arms, null, null);
        }

        /** The same experiment as a point of {@code sweepId}. */
        public ExperimentSpec inSweep(String sweepId) {
            return new ExperimentSpec(name, lab, corpus, arms, lesson, sweepId);
        }
    }

    public record Submitted(String experimentId, List<Run> runs) {}

    private final RunStore store;
    private final int workers;
    private Map<String, QueueForecast.Place> forecast = Map.of();
    private final SteadyStarts starts = new SteadyStarts();
    private volatile long forecastAt;
    private final RunEvents events;
    private final QueuePolicy policy;
    private final LocalWorkerPool queue;
    /** Live events of trainings that workers in other processes run (a shared database only). */
    private final RemoteTrainingEvents remoteEvents;
    private final int runBudgetSeconds;
    /** How often a training run saves a checkpoint to resume from; each costs well under 5% of that (docs/benchmarks.md). */
    public static final double DEFAULT_CHECKPOINT_SECONDS = 30;
    private final TrainingExecution execution;
    private volatile Cost.Limits costLimits = Cost.Limits.DEFAULT;
    private final LabRules rules;
    private final RunPermissions permissions;
    /** Each with its own copy of the model and gradient tap, built once per training from the cached model. */
    private final Map<String, Inspector> inspectors = recentlyUsed(CACHED_MODELS);
    private final Map<String, TrainedModel> models = recentlyUsed(CACHED_MODELS);

    public RunService(RunStore store, RunEvents events, int workers, QueuePolicy policy) {
        this(store, events, workers, policy, DEFAULT_RUN_BUDGET_SECONDS);
    }

    public RunService(RunStore store, RunEvents events, int workers, QueuePolicy policy, int runBudgetSeconds) {
        this(store, events, workers, policy, runBudgetSeconds, LabRules.NO_LABS);
    }

    /** {@code runBudgetSeconds}: the longest one run may hold a worker; {@code rules}: what labs allow. */
    public RunService(RunStore store, RunEvents events, int workers, QueuePolicy policy, int runBudgetSeconds,
            LabRules rules) {
        this.runBudgetSeconds = runBudgetSeconds;
        this.rules = rules;
        this.permissions = new RunPermissions(rules);
        this.store = store;
        this.workers = workers;
        this.events = events;
        this.policy = policy;
        this.execution = new TrainingExecution(store, events, runBudgetSeconds, models);
        this.queue = new LocalWorkerPool(store, workers, policy, execution::execute);
        execution.trainsOn(queue);
        this.remoteEvents = new RemoteTrainingEvents(store, events, queue::trainsHere);
    }

    /** What one run may ask of this server (the server's {@code --max-step-seconds} and {@code --max-run-memory}). */
    public RunService costLimits(Cost.Limits limits) {
        this.costLimits = limits;
        return this;
    }

    /** Seconds between a training run's checkpoints (the server's {@code --checkpoint-every}). */
    public RunService checkpointEvery(double seconds) {
        if (!(seconds >= 0)) throw new IllegalArgumentException("checkpoint interval must be ≥ 0 seconds, was " + seconds);
        execution.checkpointEvery(seconds);
        return this;
    }

    /**
     * Runs a dead process left running go back to the queue if they have a checkpoint (and resume from it), else
     * become interrupted; then the workers start on what is queued.
     */
    public void start() {
        int repaired = store.queue().repairRunsBehindTheirTrainings();
        if (repaired > 0) log.warn("{} run(s) read queued or running behind a training that had moved on: given their training's status", repaired);
        // alone on an embedded database, whatever is "running" was this process's before it stopped; on a shared one,
        // only trainings whose worker's lease ran out (the workers check that every few seconds from then on)
        int[] recovered = store.isEmbedded() ? store.queue().recoverRunning() : store.queue().recoverExpired();
        if (recovered[0] > 0) log.info("{} run(s) were running when the server stopped: queued to resume from their checkpoints", recovered[0]);
        if (recovered[1] > 0) log.info("{} run(s) were running when the server stopped, before any checkpoint: marked interrupted", recovered[1]);
        queue.start();
        if (!store.isEmbedded()) remoteEvents.start();
    }

    public RunEvents events() {
        return events;
    }

    /** The most runs one comparison shows: the same limit for the API and the UI. */
    public static final int MAX_COMPARE = 10;

    /** The distinct run ids of a comparison ("a,b,c"), refused past {@value #MAX_COMPARE}, naming the field. */
    public static List<String> comparisonIds(String commaSeparated) {
        List<String> ids = commaSeparated == null ? List.of()
                : java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (ids.size() > MAX_COMPARE) {
            throw new lab.gradient.training.SettingsException("runs", "at most " + MAX_COMPARE + " runs at once, was " + ids.size());
        }
        return ids;
    }

    public Submitted submit(ExperimentSpec submitted, String owner) {
        return submitAll(List.of(submitted), owner).get(0);
    }

    /**
     * Submits several experiments as one (a sweep's points): every one is checked, and the limits for all their arms
     * together, before any is queued, and they are stored in one transaction: refused whole or queued whole.
     */
    public List<Submitted> submitAll(List<ExperimentSpec> submitted, String owner) {
        return submitAll(submitted, owner, RunStore.Alongside.NOTHING);
    }

    /** As above, storing what {@code alongside} adds (a sweep and its points) in the same transaction as the experiments. */
    public List<Submitted> submitAll(List<ExperimentSpec> submitted, String owner, RunStore.Alongside alongside) {
        List<Prepared> prepared = new ArrayList<>();
        for (ExperimentSpec spec : submitted) prepared.add(prepare(spec, owner));
        int arms = prepared.stream().mapToInt(p -> p.spec().arms().size()).sum();
        synchronized (this) {
            List<String> labs = new ArrayList<>();
            for (Prepared p : prepared) labs.add(rules.admit(p.spec(), owner));
            int active = store.queue().countActive(owner);
            if (active + arms > policy.maxActivePerOwner()) {
                throw new SubmissionRefused("you have " + active + " runs queued or training; at most "
                        + policy.maxActivePerOwner() + " at once" + (arms > 1 ? " and this asks for " + arms : "")
                        + ": wait for some to finish or cancel them");
            }
            int fromAddress = store.queue().countActiveFromAddressOf(owner);
            if (fromAddress + arms > policy.maxActivePerAddress()) {
                throw new SubmissionRefused("your network address has " + fromAddress + " runs queued or training; at most "
                        + policy.maxActivePerAddress() + " at once: wait for some to finish");
            }
            int queued = store.queue().countQueued();
            if (queued + arms > policy.maxQueued()) {
                throw new SubmissionRefused("the training queue is full (" + queued + " runs waiting): try again in a few minutes");
            }
            List<RunStore.NewExperiment> stored = new ArrayList<>();
            for (int p = 0; p < prepared.size(); p++) {
                ExperimentSpec spec = prepared.get(p).spec();
                String experimentId = Ids.newId();
                String name = spec.name() == null || spec.name().isBlank() ? "Experiment" : spec.name();
                List<Run> runs = new ArrayList<>();
                for (int i = 0; i < spec.arms().size(); i++) {
                    Arm arm = spec.arms().get(i);
                    runs.add(new Run(Ids.newId(), experimentId, i, arm.model().id, arm.settings(), owner, labs.get(p),
                            RunStatus.QUEUED.id(), null, null, null, 0, prepared.get(p).totals()[i], null, null, null,
                            prepared.get(p).flops()[i], null));
                }
                stored.add(new RunStore.NewExperiment(new Experiment(experimentId, name, owner, labs.get(p), spec.corpus(),
                        spec.lesson(), null), runs, prepared.get(p).keys()));
            }
            // one transaction: every experiment queued, or none (a run identical to one queued, training or finished
            // joins that training instead of training again)
            store.insertExperiments(stored, alongside);
            List<Submitted> out = new ArrayList<>();
            for (RunStore.NewExperiment e : stored) out.add(new Submitted(e.experiment().id(), store.runsOfExperiment(e.experiment().id())));
            // owners who may start now take their places at once, in the order they submitted: one who submits later
            // stands behind
            store.queue().lineUp(FairLine.rules(queueShape().perOwner()));
            forecastAt = 0;
            queue.wake();
            return out;
        }
    }

    /** An experiment checked as far as it can be before it is queued, with what its runs will cost. */
    private record Prepared(ExperimentSpec spec, int[] totals, double[] flops, List<String> keys) {}

    private Prepared prepare(ExperimentSpec submitted, String owner) {
        // a lab with a seed per student turns the class into an ensemble; with one seed for the class, identical runs
        // share one training
        ExperimentSpec spec = rules.seeded(submitted, owner);
        spec.corpus().validate();
        if (spec.arms().isEmpty()) throw new lab.gradient.training.SettingsException("arms", "give at least one arm");
        for (int i = 0; i < spec.arms().size(); i++) {
            spec.arms().get(i).settings().validate(spec.arms().get(i).model());
            if (spec.corpus().isLongRange()) {
                lab.gradient.training.Presets.requireWindowReaches(spec.corpus().effectiveDistance(), spec.arms().get(i).settings().window,
                        "arms[" + i + "].window");
            }
        }
        // refused now, not accepted and failed later: the sentences must make training windows for every arm, and every
        // arm must be a run a worker can do (a step short enough to stop within seconds, memory within bounds)
        int[] totals = new int[spec.arms().size()];
        double[] flops = new double[spec.arms().size()];
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < spec.arms().size(); i++) {
            Arm arm = spec.arms().get(i);
            TrainingData data = spec.corpus().requireTrainable(arm.settings());
            Cost cost = Cost.of(arm.model(), arm.settings(), data);
            cost.require("arms[" + i + "].hidden", runBudgetSeconds, costLimits);
            // known now, so a queued run already shows how long it will be, in steps and (from this server's pace) in time
            totals[i] = Trainer.totalIterations(data, arm.settings());
            flops[i] = cost.flopsPerIteration();
            keys.add(TrainingKey.of(spec.corpus(), arm.model(), arm.settings()));
        }
        return new Prepared(spec, totals, flops, keys);
    }

    /** Who may cancel, delete and see a lab's name: the one rule both front doors ask. */
    public RunPermissions permissions() {
        return permissions;
    }

    /** How often the queue's forecast is worked out again, however many pages ask: it reads every waiting run. */
    static final long FORECAST_NANOS = 1_000_000_000L;

    /**
     * A queued run's place in line and when it should start; empty for a run that is not waiting (the forecast is
     * up to {@link #FORECAST_NANOS} old, so the run's own status decides).
     */
    public Optional<QueueForecast.Place> queuePlace(Run run) {
        if (!RunStatus.QUEUED.id().equals(run.status())) return Optional.empty();
        return Optional.ofNullable(forecast().get(run.id()));
    }

    private synchronized Map<String, QueueForecast.Place> forecast() {
        long now = System.nanoTime();
        if (forecastAt == 0 || now - forecastAt > FORECAST_NANOS) {
            QueueShape shape = queueShape();
            // an owner whose run ended since a worker last claimed takes their place now, not at the next claim
            store.queue().lineUp(FairLine.rules(shape.perOwner()));
            forecast = starts.steady(QueueForecast.withRange(store.queue().waitingOwners(), store.queue().activeRuns(), shape.workers(),
                    shape.perOwner(), ServerPace.of(store)::secondsPerIteration), now / 1e9);
            forecastAt = now;
        }
        return forecast;
    }

    /** How many runs the queue's workers train at once, and how many of one owner's. */
    private record QueueShape(int workers, int perOwner) {}

    private QueueShape queueShape() {
        if (store.isEmbedded()) return new QueueShape(workers, policy.maxRunningPerOwner());
        // a shared database's queue is trained by every live worker pool, this process's and the worker processes';
        // a pool of n workers claims for a student who has fewer than n training anywhere
        List<Integer> pools = store.queue().liveWorkerPools();
        return new QueueShape(pools.stream().mapToInt(Integer::intValue).sum(), pools.stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    public Run requireRun(String runId) {
        return store.run(runId).orElseThrow(() -> new NotFound("run"));
    }

    public Experiment requireExperiment(String experimentId) {
        return store.experiment(experimentId).orElseThrow(() -> new NotFound("experiment"));
    }

    /**
     * How many iterations each arm will train, and how many of its windows one epoch is: what a run's progress will
     * say ("of N"), told before it is submitted. Refuses sentences that cannot train, as {@link #submit} does.
     */
    public static List<Length> lengths(ExperimentSpec spec) {
        List<Length> out = new ArrayList<>();
        for (Arm arm : spec.arms()) {
            TrainingData data = spec.corpus().requireTrainable(arm.settings());
            out.add(new Length(Trainer.totalIterations(data, arm.settings()), Trainer.totalIterations(data, oneEpoch(arm.settings()))));
        }
        return out;
    }

    /** {@code iterations} the run will train; {@code perEpoch} iterations one pass over the sentences takes. */
    public record Length(int iterations, int perEpoch) {}

    private static TrainingSettings oneEpoch(TrainingSettings settings) {
        TrainingSettings one = settings.copy();
        one.epochs = 1;
        one.maxIterations = 0;
        return one;
    }

    /** Cancels a queued run at once, or a running one within an iteration, if one of {@code callers} may. */
    public void cancel(String runId, Collection<String> callers) {
        Run run = requireRun(runId);
        permissions.requireManager(run.owner(), run.lab(), callers);
        // noted first, so the page that hears the run end can already say who ended it
        store.markCancelledBy(runId, RunPermissions.owns(run.owner(), callers) ? "owner" : "teacher");
        if (!cancel(runId)) throw new RunEnded(requireRun(runId).status());
    }

    /** Deletes a run and everything it recorded, if one of {@code callers} may. */
    public void delete(String runId, Collection<String> callers) {
        Run run = requireRun(runId);
        permissions.requireManager(run.owner(), run.lab(), callers);
        delete(runId);
    }

    /** Deletes an experiment and all its runs, if one of {@code callers} may (the same rule as for one run). */
    public void deleteExperiment(String experimentId, Collection<String> callers) {
        Experiment experiment = requireExperiment(experimentId);
        permissions.requireManager(experiment.owner(), experiment.lab(), callers);
        deleteExperiment(experimentId);
    }

    /**
     * Cancels a run: a queued one at once, a running one within an iteration. A run whose training others still
     * follow leaves it (cancelled where it stands) and the training goes on for them. False if it had already ended.
     */
    synchronized boolean cancel(String runId) {
        Run run = store.run(runId).orElse(null);
        if (run == null) return false;
        QueueStore.Left left = store.queue().leave(run.trainingId(), List.of(runId));
        return switch (left) {
            case ALONE -> {
                events.publish(new RunEvent.Status(runId, RunStatus.CANCELLED, true));
                yield true;
            }
            case CANCELLED, STOPPING -> {
                stopped(run.trainingId(), left);
                yield true;
            }
            case ENDED -> false;
        };
    }

    /**
     * A training nobody follows any more was cancelled (queued) or asked to stop (running): a worker of this process
     * stops it at once; one elsewhere hears it with its next lease renewal.
     */
    private void stopped(String trainingId, QueueStore.Left left) {
        if (left == QueueStore.Left.CANCELLED) events.publishTraining(new RunEvent.Status(trainingId, RunStatus.CANCELLED, true));
        else queue.cancelRunning(trainingId);
    }

    /** Deletes a run; its training, with everything recorded, only when no other run shares it. */
    synchronized boolean delete(String runId) {
        Run run = store.run(runId).orElse(null);
        if (run == null) return false;
        forget(List.of(run));
        return store.deleteRun(runId);
    }

    synchronized boolean deleteExperiment(String experimentId) {
        forget(store.runsOfExperiment(experimentId));
        return store.deleteExperiment(experimentId);
    }

    /** Runs about to be deleted: a training only they follow stops, and a training only they share leaves the cache. */
    private void forget(List<Run> doomed) {
        Map<String, List<String>> byTraining = new LinkedHashMap<>();
        for (Run r : doomed) byTraining.computeIfAbsent(r.trainingId(), t -> new ArrayList<>()).add(r.id());
        byTraining.forEach((training, runs) -> {
            QueueStore.Left left = store.queue().leave(training, runs);
            if (left == QueueStore.Left.CANCELLED || left == QueueStore.Left.STOPPING) stopped(training, left);
        });
        byTraining.keySet().forEach(models::remove);
        byTraining.keySet().forEach(inspectors::remove);
    }

    /**
     * What a run is called where runs of several experiments stand side by side (Compare): its experiment's name and
     * its arm's label within it ("Exploding: … · rnn-relu, clipped at 1.0"), so two arms of one model never read the same.
     */
    public String displayName(Run run) {
        String experiment = store.experiment(run.experimentId()).map(Experiment::name).orElse("");
        List<Run> arms = store.runsOfExperiment(run.experimentId());
        List<String> labels = ArmLabels.of(arms);
        for (int i = 0; i < arms.size(); i++) if (arms.get(i).id().equals(run.id())) return experiment + " · " + labels.get(i);
        return experiment + " · " + run.model();
    }

    /** Whether the run's sentences are the long-range task: only there is its long-range accuracy the one the lessons mean. */
    public boolean longRangeTask(Run run) {
        return store.experiment(run.experimentId()).map(e -> e.corpus().isLongRange()).orElse(false);
    }

    public Optional<Run> run(String runId) {
        return store.run(runId);
    }

    public Optional<Experiment> experiment(String experimentId) {
        return store.experiment(experimentId);
    }

    public List<Run> runsOfExperiment(String experimentId) {
        return store.runsOfExperiment(experimentId);
    }

    public List<Run> runsOfOwner(String owner) {
        return store.runsOfOwner(owner);
    }

    public List<ListedRun> findRuns(String owner, String model, String status, String lab, String nameContains, int limit, int offset) {
        return store.findRuns(owner, model, status, lab, nameContains, limit, offset);
    }

    public MetricSeries metrics(String runId) {
        return store.records().metrics(runId);
    }

    public List<MetricSeries> metrics(List<String> runIds) {
        return store.records().metrics(runIds);
    }

    public List<Validation> validations(String runId) {
        return store.records().validations(runId);
    }

    public List<Flow> gradientFlow(String runId) {
        return store.records().flows(runId);
    }

    public List<Spectrum> spectra(String runId) {
        return store.records().spectra(runId);
    }

    /** The lowest validation loss of any of the run's evaluations (NaN before its first): where it generalised best. */
    public double bestValidationLoss(String runId) {
        return store.records().validations(runId).stream().mapToDouble(Validation::loss).filter(Double::isFinite).min().orElse(Double.NaN);
    }

    /** Everything the run has recorded so far, to follow live by appending its events' batches. */
    public RunRecords records(String runId) {
        return new RunRecords(store.records().metrics(runId), store.records().validations(runId), store.records().flows(runId), store.records().spectra(runId));
    }

    /** The diagnosis from records the caller holds (a live page): no database read. */
    public RunDiagnosis.Diagnosis diagnosis(Run run, CorpusSpec corpus, RunRecords records) {
        return RunDiagnosis.of(run, corpus, records.flows(), records.spectra(), records.validations(), records.metrics());
    }

    /**
     * Blocks until every run of the experiment has ended (completed, diverged, failed, cancelled, interrupted), or the
     * timeout passes; returns the runs as they are then. For the command line and the lessons suite, never a request.
     */
    public List<Run> awaitEnded(String experimentId, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Run> now = store.runsOfExperiment(experimentId);
            if (now.stream().allMatch(r -> RunStatus.of(r.status()).isFinal()) || System.nanoTime() > deadline) return now;
            Thread.sleep(200);
        }
    }

    /** What the run's numbers say so far: its regime and the lines that explain it. */
    public RunDiagnosis.Diagnosis diagnosis(Run run) {
        return diagnosis(run, store.records().flows(run.id()), store.records().metrics(run.id()));
    }

    /** As above, for a caller that has already read the run's gradient flow and metrics (a live page redrawing). */
    public RunDiagnosis.Diagnosis diagnosis(Run run, List<Flow> flows, MetricSeries metrics) {
        CorpusSpec corpus = store.experiment(run.experimentId()).orElseThrow().corpus();
        return RunDiagnosis.of(run, corpus, flows, store.records().spectra(run.id()), store.records().validations(run.id()), metrics);
    }

    /** A thread-safe map that keeps the {@code capacity} entries used last, per training. */
    private static <V> Map<String, V> recentlyUsed(int capacity) {
        return java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        });
    }

    /** The run's trained model, from memory or from the database after a restart; empty until it has one. */
    public Optional<Predictor> predictor(String runId) {
        return store.run(runId).flatMap(this::trainedModel).map(Predictor::new);
    }

    /** The run's model's top {@code k} next words after {@code prefix}; empty until it has a trained model. */
    public Optional<Prediction> predict(String runId, String prefix, int k) {
        return predictor(runId).map(p -> p.next(prefix, k));
    }

    /** {@code words} words the run's model writes after {@code prefix} (temperature 0: greedy); empty until it has a model. */
    public Optional<Generation> generate(String runId, String prefix, int words, double temperature, long seed) {
        return predictor(runId).map(p -> p.generate(prefix, words, temperature, seed));
    }

    private Optional<TrainedModel> trainedModel(Run run) {
        // cached per training: every run sharing one asks the same model
        TrainedModel cached = models.get(run.trainingId());
        if (cached != null) return Optional.of(cached);
        Optional<RecordStore.StoredModel> stored = store.records().model(run.id());
        if (stored.isEmpty()) return Optional.empty();
        try {
            ComputationGraph graph = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(stored.get().model()), false);
            TrainingSettings settings = run.settings();
            TrainedModel model = new TrainedModel(Network.forPrediction(ModelKind.of(run.model()), graph),
                    new Vocabulary(stored.get().vocabulary()), settings, true);
            models.put(run.trainingId(), model);
            return Optional.of(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sentence x-ray of a run's trained model ({@link Inspector}); empty until it has one. {@code text} blank: a
     * sentence of the run's own corpus, up to its answer word on long-range (the word d steps back decides it), else up
     * to its last word.
     */
    public Optional<Inspection> inspect(String runId, String text, String target) {
        Run run = requireRun(runId);
        Optional<TrainedModel> model = trainedModel(run);
        if (model.isEmpty()) return Optional.empty();
        Inspector inspector = inspectors.computeIfAbsent(run.trainingId(), id -> new Inspector(model.get()));
        boolean example = text == null || text.isBlank();
        String read = example ? exampleSentence(run) : text;
        // priced before the work starts, like a training step: a wide simple RNN's running product costs n³ a word
        ModelKind kind = ModelKind.of(run.model());
        int vocabulary = model.get().vocabulary().size(), words = inspector.wordsRead(read), most = words;
        while (most > 1 && Cost.inspectionSeconds(kind, run.settings(), vocabulary, most) > costLimits.maxSecondsPerStep()) most--;
        if (most < words) {
            if (!example) {
                throw new lab.gradient.training.SettingsException("text", String.format(java.util.Locale.ROOT,
                        "this model (%s, hidden %d) can be x-rayed over at most %d words at once on this server; this asks for %d: "
                                + "give a shorter sentence", run.model(), run.settings().hidden, most, words));
            }
            // the run's own example sentence: its last words, as many as fit
            List<String> all = List.of(read.trim().split("\\s+"));
            for (int keep = most; keep > 0 && inspector.wordsRead(read) > most; keep--) {
                read = String.join(" ", all.subList(Math.max(0, all.size() - keep), all.size()));
            }
        }
        String sentence = read;
        return Optional.of(oneXrayAtATime(() -> inspector.inspect(sentence, target)));
    }

    /** Seconds a request waits for the x-ray before it is told to come back. */
    private static final int XRAY_WAIT_SECONDS = 10;
    /**
     * One x-ray at a time on this server: each is priced within the step limit, so a queue of them moves, and however
     * many arrive together they hold one core and a bounded amount of memory, never a training's.
     */
    private final java.util.concurrent.Semaphore xray = new java.util.concurrent.Semaphore(1, true);

    private <T> T oneXrayAtATime(java.util.function.Supplier<T> work) {
        try {
            if (!xray.tryAcquire(XRAY_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new Busy("the sentence x-ray is busy with other sentences: try again in a few seconds", 5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("the server is stopping", 5);
        }
        try {
            return work.get();
        } catch (OutOfMemoryError e) {
            // priced to fit; if memory is short anyway (other work at its peak), this request alone gives up
            log.warn("a sentence x-ray ran out of memory: {}", e.toString());
            throw new Busy("the server is short of memory for this x-ray now: try again in a minute", 60);
        } finally {
            xray.release();
        }
    }

    /** A sentence of the run's corpus to inspect before a student types one: the first with an answer, up to it. */
    public String exampleSentence(Run run) {
        Corpus corpus = store.experiment(run.experimentId()).orElseThrow().corpus().load(run.settings().seed);
        Corpus.Sentence sentence = corpus.sentences().stream().filter(x -> x.answerIndex() >= 0).findFirst()
                .orElse(corpus.sentences().get(0));
        int end = sentence.answerIndex() >= 0 ? sentence.answerIndex() : Math.max(1, sentence.words().size() - 1);
        return String.join(" ", sentence.words().subList(0, end));
    }

    @Override
    public void close() {
        execution.closing();
        remoteEvents.close();
        queue.close();
    }
}
