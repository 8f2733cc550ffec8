package lab.gradient.training;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import lab.gradient.training.engine.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one model on one corpus and reports every step to a {@link TrainingObserver}. The loop is plain on
 * purpose: shuffle windows, fit a batch, look at what the step did, probe now and then, evaluate each epoch.
 */
public final class Trainer {
    /** Training time between two checkpoints, at least, in multiples of what the last one took: ≤ 5% spent on them. */
    static final int CHECKPOINT_SHARE = 20;
    /**
     * The largest relative difference between our engine's gradients and DL4J's on the first batch that a run accepts.
     * Two float32 implementations of the same math differ by ~1e-6 (EngineEqualityTest); a wrong formula by far more.
     */
    public static final double GRADIENT_CHECK_LIMIT = 1e-3;

    /**
     * What computes the gradients, for the training key: identical settings give identical numbers only on the same
     * engine and kernels. Version 2: the optimizer's step, validation and the skip in time moved onto the engine.
     */
    public static String engineName() {
        return "gradient-lab-engine/2 kernels-" + Kernels.FAST.name() + "-" + Kernels.FAST.lanes();
    }

    private final Corpus corpus;
    private final ModelKind kind;
    private final TrainingSettings settings;
    private final DataType dataType;
    private boolean engine = true;

    public Trainer(Corpus corpus, ModelKind kind, TrainingSettings settings) {
        this(corpus, kind, settings, DataType.FLOAT);
    }

    /** {@code DataType.DOUBLE} is for the finite-difference checks. */
    public Trainer(Corpus corpus, ModelKind kind, TrainingSettings settings, DataType dataType) {
        settings.validate(kind);
        this.corpus = corpus;
        this.kind = kind;
        this.settings = settings.copy();
        this.dataType = dataType;
    }

    /** This trainer with DL4J computing the gradients, as before our engine: the reference, for benchmarks and tests. */
    Trainer onDl4jAlone() {
        engine = false;
        return this;
    }

    public TrainingResult train(TrainingObserver observer, BooleanSupplier cancelled) {
        return train(observer, cancelled, Double.POSITIVE_INFINITY);
    }

    /**
     * As above, but a run still going after {@code budgetSeconds} stops there and ends as completed, its summary saying
     * that the budget ran out: on a shared server one run must not hold a worker for ever.
     */
    public TrainingResult train(TrainingObserver observer, BooleanSupplier cancelled, double budgetSeconds) {
        return train(observer, cancelled, budgetSeconds, null);
    }

    /**
     * As above, taking a checkpoint every {@code checkpoints.intervalSeconds()} into {@code checkpoints} and, if it
     * holds one, going on from there: the same steps, the same numbers, the seconds counted on (the budget too).
     * A checkpoint never falls on an epoch's last step, so the epoch's evaluation always comes after it.
     */
    public TrainingResult train(TrainingObserver observer, BooleanSupplier cancelled, double budgetSeconds, Checkpoint.Store checkpoints) {
        long started = System.nanoTime();
        Nd4j.getRandom().setSeed(settings.seed);
        TrainingData data = TrainingData.of(corpus, settings);
        int vocabularySize = data.vocabulary.size();
        Network network = Network.build(kind, settings, vocabularySize, dataType, engine);
        Instrumentation instrumentation = new Instrumentation(network, settings.clip, settings.clipThreshold);
        network.model.setListeners(instrumentation);
        GradientFlowProbe probe = new GradientFlowProbe(network, data.probe, vocabularySize);

        int total = totalIterations(data, settings);

        Summarizer summary = new Summarizer(Regime.flowDistance(corpus.hasKnownAnswers() ? corpus.distance() : 0, settings.window));
        TrainingResult.Status status = TrainingResult.Status.COMPLETED;
        int iteration = 0, startEpoch = 0, startPosition = 0;
        List<TrainingData.Window> order = new ArrayList<>(data.train);
        Checkpoint resume = checkpoints == null ? null : checkpoints.latest();
        if (resume == null) {
            probe(network, probe, observer, summary, 0);
        } else {
            resume.restore(network.model.params(), network.model.getUpdater().getStateViewArray());
            // Adam's bias correction reads the step count from the configuration
            network.model.getConfiguration().setIterationCount(resume.iteration());
            network.model.getConfiguration().setEpochCount(resume.epoch());
            summary = Summarizer.read(resume.summary());
            iteration = resume.iteration();
            startEpoch = resume.epoch();
            startPosition = resume.position();
            started -= (long) (resume.seconds() * 1e9);
            // each epoch shuffles the previous epoch's order: replay the shuffles before the one resumed
            for (int epoch = 0; epoch < startEpoch; epoch++) Collections.shuffle(order, new Random(settings.seed * 31 + epoch));
        }
        long lastCheckpoint = System.nanoTime(), checkpointCost = 0;
        Eta eta = new Eta(iteration);
        Evaluator.Result lastEvaluation = null;
        int lastEvaluatedAt = -1, probedAt = iteration;
        training:
        for (int epoch = startEpoch; epoch < settings.epochs && iteration < total; epoch++) {
            Collections.shuffle(order, new Random(settings.seed * 31 + epoch));
            for (int from = epoch == startEpoch ? startPosition : 0; from < order.size() && iteration < total; from += settings.batch) {
                if (cancelled.getAsBoolean()) {
                    status = TrainingResult.Status.CANCELLED;
                    break training;
                }
                if ((System.nanoTime() - started) / 1e9 >= budgetSeconds) {
                    summary.budgetExhausted = true;
                    break training;
                }
                List<TrainingData.Window> batch = order.subList(from, Math.min(order.size(), from + settings.batch));
                instrumentation.nextBatch(batch.size());
                double score = network.step(batch);
                iteration++;
                if (network.engine != null && summary.gradientCheck == null) {
                    summary.gradientCheck = network.gradientCheck;
                    if (!(network.gradientCheck <= GRADIENT_CHECK_LIMIT)) throw new GradientCheckFailed(network.gradientCheck);
                }
                // the score is summed over a window's steps and averaged over the batch: report it per word
                double loss = score * batch.size() / scoredSteps(batch);
                double seconds = (System.nanoTime() - started) / 1e9;
                var metrics = new TrainingObserver.IterationMetrics(iteration, epoch, loss, instrumentation.gradNorm,
                        instrumentation.gradNormClipped, instrumentation.updateRatio, seconds);
                observer.onIteration(metrics);
                summary.add(metrics);
                if (!Double.isFinite(loss) || !Double.isFinite(instrumentation.gradNorm.get("total"))) {
                    status = TrainingResult.Status.DIVERGED;
                    summary.divergedAt = iteration;
                    break training;
                }
                if (iteration % settings.probeEvery == 0 || iteration == total) {
                    probe(network, probe, observer, summary, iteration);
                    probedAt = iteration;
                }
                observer.onProgress(new TrainingObserver.Progress(iteration, total, seconds, eta.after(iteration, total)));
                int next = from + settings.batch;
                // a checkpoint costs at most 1/CHECKPOINT_SHARE of training: a large model's waits longer than the interval
                long sinceLast = System.nanoTime() - lastCheckpoint;
                if (checkpoints != null && next < order.size() && iteration < total
                        && sinceLast >= Math.max(checkpoints.intervalSeconds() * 1e9, CHECKPOINT_SHARE * checkpointCost)) {
                    long before = System.nanoTime();
                    checkpoints.save(new Checkpoint(iteration, epoch, next, seconds, summary.write(),
                            Checkpoint.state(network.model.params(), network.model.getUpdater().getStateViewArray())));
                    lastCheckpoint = System.nanoTime();
                    checkpointCost = lastCheckpoint - before;
                }
            }
            network.model.incrementEpochCount();
            lastEvaluation = evaluate(network, data, observer, iteration, epoch);
            lastEvaluatedAt = iteration;
        }
        // the end of a run cut short is probed too, unless its last step just was (recorded twice, the training failed)
        if (summary.budgetExhausted && probedAt != iteration) probe(network, probe, observer, summary, iteration);
        if (status != TrainingResult.Status.DIVERGED && lastEvaluatedAt != iteration) {
            lastEvaluation = evaluate(network, data, observer, iteration, Math.max(0, network.model.getEpochCount() - 1));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        network.model.setListeners();
        return new TrainingResult(status, summary.finish(iteration, lastEvaluation, seconds),
                new TrainedModel(network, data.vocabulary, settings, true));
    }

    private static int scoredSteps(List<TrainingData.Window> windows) {
        int steps = 0;
        for (TrainingData.Window w : windows) steps += w.length() - w.firstScored();
        return steps;
    }

    /** A run whose engine disagrees with DL4J on its first batch is failed: its charts would not show the true gradients. */
    public static final class GradientCheckFailed extends IllegalStateException {
        GradientCheckFailed(double difference) {
            super(String.format(java.util.Locale.ROOT, "the gradients of its first batch disagree with DeepLearning4J's by %.2g "
                    + "(largest relative difference over the parameters; at most %.0e is accepted)", difference, GRADIENT_CHECK_LIMIT));
        }
    }

    /** The steps a run will take: its epochs over the training windows in batches, or fewer if maxIterations says so. */
    public static int totalIterations(TrainingData data, TrainingSettings settings) {
        int batchesPerEpoch = (data.train.size() + settings.batch - 1) / settings.batch;
        long planned = (long) batchesPerEpoch * settings.epochs;
        return (int) (settings.maxIterations > 0 ? Math.min(planned, settings.maxIterations) : Math.min(planned, Integer.MAX_VALUE));
    }

    private static Evaluator.Result evaluate(Network network, TrainingData data, TrainingObserver observer, int iteration, int epoch) {
        if (data.validation.isEmpty()) return null;
        Evaluator.Result result = Evaluator.evaluate(network, data.validation, data.vocabulary.size());
        observer.onValidation(new TrainingObserver.Validation(iteration, epoch, result));
        return result;
    }

    private static void probe(Network network, GradientFlowProbe probe, TrainingObserver observer, Summarizer summary, int iteration) {
        double[] flow = null;
        if (probe.isAvailable()) {
            flow = probe.measure();
            observer.onGradientFlow(new TrainingObserver.GradientFlow(iteration, flow));
        }
        Map<String, RecurrentSpectrum.Values> spectrum = RecurrentSpectrum.of(network);
        observer.onSpectrum(new TrainingObserver.Spectrum(iteration, spectrum));
        summary.probed(iteration, flow, spectrum, network.kind.isLstm());
    }

    /** Running numbers for the run's one-line summary; written into checkpoints as JSON. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
            isGetterVisibility = JsonAutoDetect.Visibility.NONE)
    private static final class Summarizer {
        private static final ObjectMapper JSON = new ObjectMapper().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
        int flowDistance;
        double[] recentNorms = new double[Regime.JUMP_WINDOW];
        double[] recentLosses = new double[Regime.JUMP_WINDOW];
        int seen;
        double maxGradNorm;
        int explodingEvents;
        int divergedAt = -1;
        boolean budgetExhausted;
        double[] lastFlow;
        double initialFlowRatio = Double.NaN;
        double spectralRadius = Double.NaN;
        /** Our gradients against DL4J's on the first batch; null where DL4J trained alone. */
        Double gradientCheck;

        Summarizer(int flowDistance) {
            this.flowDistance = flowDistance;
        }

        /** For JSON. */
        private Summarizer() {}

        String write() {
            try {
                return JSON.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Summarizer read(String json) {
            try {
                return JSON.readValue(json, Summarizer.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a checkpoint's summary could not be read", e);
            }
        }

        void add(TrainingObserver.IterationMetrics m) {
            double norm = m.gradNorm().get("total");
            if (Double.isFinite(norm)) maxGradNorm = Math.max(maxGradNorm, norm);
            // judged on the norm as it is stored (float32), as the diagnosis judges it: the two counts cannot differ
            double stored = (float) norm;
            if (Regime.isJump(stored, Arrays.copyOf(recentNorms, Math.min(seen, Regime.JUMP_WINDOW)))) explodingEvents++;
            recentNorms[seen % Regime.JUMP_WINDOW] = stored;
            recentLosses[seen % Regime.JUMP_WINDOW] = m.loss();
            seen++;
        }

        void probed(int iteration, double[] flow, Map<String, RecurrentSpectrum.Values> spectrum, boolean lstm) {
            if (flow != null) {
                lastFlow = flow;
                if (iteration == 0) initialFlowRatio = ratio(flow);
            }
            spectralRadius = lstm ? Double.NaN : RecurrentSpectrum.largestRadius(spectrum.values());
        }

        double ratio(double[] flow) {
            return Regime.flowRatio(flow, flowDistance);
        }

        TrainingResult.Summary finish(int iterations, Evaluator.Result eval, double seconds) {
            double trainLoss = Arrays.stream(recentLosses, 0, Math.min(seen, Regime.JUMP_WINDOW)).average().orElse(Double.NaN);
            return new TrainingResult.Summary(iterations, trainLoss,
                    eval == null ? Double.NaN : eval.loss(), eval == null ? Double.NaN : eval.perplexity(),
                    eval == null ? Double.NaN : eval.top1(), eval == null ? Double.NaN : eval.top5(),
                    eval == null ? Double.NaN : eval.longRangeAccuracy(),
                    maxGradNorm, explodingEvents, divergedAt, seconds, flowDistance, ratio(lastFlow), budgetExhausted,
                    initialFlowRatio, spectralRadius, gradientCheck);
        }
    }

    /**
     * Seconds left, from the pace of this run's own steps (probes and evaluations included, as they recur) after its
     * first, which carries the model's set-up. NaN ("estimating…") until its {@value #ETA_AFTER}th step.
     */
    static final class Eta {
        static final int ETA_AFTER = 10;
        private final int first;
        private final java.util.function.LongSupplier nanos;
        private long timedFrom;

        Eta(int firstIteration) {
            this(firstIteration, System::nanoTime);
        }

        Eta(int firstIteration, java.util.function.LongSupplier nanos) {
            this.first = firstIteration;
            this.nanos = nanos;
            this.timedFrom = nanos.getAsLong();
        }

        /**
         * Seconds left: the steps still to come at the mean pace of the steps timed so far. The mean, not a recent
         * average: a probe or an evaluation every so many steps takes far longer than the steps between, and recurs,
         * so the mean already holds it, while an average of recent steps jumped each time one came round (28 s to
         * 2 min and back on one arm).
         */
        double after(int iteration, int total) {
            long now = nanos.getAsLong();
            // the first step carries the model's set-up (twice the pace, or more): the clock starts after it
            if (iteration <= first + 1) {
                timedFrom = now;
                return Double.NaN;
            }
            if (iteration - first < ETA_AFTER) return Double.NaN;
            int timed = iteration - first - 1;
            return (now - timedFrom) / 1e9 / timed * (total - iteration);
        }
    }
}
