package lab.gradient.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one model on one corpus and reports every step to a {@link TrainingObserver}. The loop is plain on
 * purpose: shuffle windows, fit a batch, look at what the step did, probe now and then, evaluate each epoch.
 */
public final class Trainer {
    private final Corpus corpus;
    private final ModelKind kind;
    private final TrainingSettings settings;
    private final DataType dataType;

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

    public TrainingResult train(TrainingObserver observer, BooleanSupplier cancelled) {
        return train(observer, cancelled, Double.POSITIVE_INFINITY);
    }

    /**
     * As above, but a run still going after {@code budgetSeconds} stops there and ends as completed, its summary saying
     * that the budget ran out: on a shared server one run must not hold a worker for ever.
     */
    public TrainingResult train(TrainingObserver observer, BooleanSupplier cancelled, double budgetSeconds) {
        long started = System.nanoTime();
        Nd4j.getRandom().setSeed(settings.seed);
        TrainingData data = TrainingData.of(corpus, settings);
        int vocabularySize = data.vocabulary.size();
        Network network = Network.build(kind, settings, vocabularySize, dataType);
        Instrumentation instrumentation = new Instrumentation(network, settings.clip, settings.clipThreshold);
        network.model.setListeners(instrumentation);
        GradientFlowProbe probe = new GradientFlowProbe(network, data.probe, vocabularySize);

        int batchesPerEpoch = (data.train.size() + settings.batch - 1) / settings.batch;
        long planned = (long) batchesPerEpoch * settings.epochs;
        int total = (int) (settings.maxIterations > 0 ? Math.min(planned, settings.maxIterations) : Math.min(planned, Integer.MAX_VALUE));

        Summarizer summary = new Summarizer(corpus.hasKnownAnswers() ? corpus.distance() : settings.window - 1);
        probe(network, probe, observer, summary, 0);
        TrainingResult.Status status = TrainingResult.Status.COMPLETED;
        int iteration = 0;
        Evaluator.Result lastEvaluation = null;
        int lastEvaluatedAt = -1;
        List<TrainingData.Window> order = new ArrayList<>(data.train);
        training:
        for (int epoch = 0; epoch < settings.epochs && iteration < total; epoch++) {
            Collections.shuffle(order, new Random(settings.seed * 31 + epoch));
            for (int from = 0; from < order.size() && iteration < total; from += settings.batch) {
                if (cancelled.getAsBoolean()) {
                    status = TrainingResult.Status.CANCELLED;
                    break training;
                }
                if ((System.nanoTime() - started) / 1e9 >= budgetSeconds) {
                    summary.budgetExhausted = true;
                    break training;
                }
                Batch batch = Batch.of(order.subList(from, Math.min(order.size(), from + settings.batch)), vocabularySize, dataType);
                instrumentation.nextBatch(batch.size());
                network.fit(batch);
                iteration++;
                // DL4J's score is summed over a window's steps and averaged over the batch: report it per word
                double loss = network.model.score() * batch.size() / batch.steps();
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
                }
                observer.onProgress(new TrainingObserver.Progress(iteration, total, seconds,
                        seconds / iteration * (total - iteration)));
            }
            network.model.incrementEpochCount();
            lastEvaluation = evaluate(network, data, observer, iteration, epoch);
            lastEvaluatedAt = iteration;
        }
        if (summary.budgetExhausted) probe(network, probe, observer, summary, iteration);
        if (status != TrainingResult.Status.DIVERGED && lastEvaluatedAt != iteration) {
            lastEvaluation = evaluate(network, data, observer, iteration, Math.max(0, network.model.getEpochCount() - 1));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        network.model.setListeners();
        return new TrainingResult(status, summary.finish(iteration, lastEvaluation, seconds),
                new TrainedModel(network, data.vocabulary, settings, true));
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

    /** Running numbers for the run's one-line summary. */
    private static final class Summarizer {
        final int flowDistance;
        final double[] recentNorms = new double[Regime.JUMP_WINDOW];
        final double[] recentLosses = new double[Regime.JUMP_WINDOW];
        int seen;
        double maxGradNorm;
        int explodingEvents;
        int divergedAt = -1;
        boolean budgetExhausted;
        double[] lastFlow;
        double initialFlowRatio = Double.NaN;
        double spectralRadius = Double.NaN;

        Summarizer(int flowDistance) {
            this.flowDistance = flowDistance;
        }

        void add(TrainingObserver.IterationMetrics m) {
            double norm = m.gradNorm().get("total");
            if (Double.isFinite(norm)) maxGradNorm = Math.max(maxGradNorm, norm);
            if (Regime.isJump(norm, Arrays.copyOf(recentNorms, Math.min(seen, Regime.JUMP_WINDOW)))) explodingEvents++;
            recentNorms[seen % Regime.JUMP_WINDOW] = norm;
            recentLosses[seen % Regime.JUMP_WINDOW] = m.loss();
            seen++;
        }

        void probed(int iteration, double[] flow, Map<String, RecurrentSpectrum.Values> spectrum, boolean lstm) {
            if (flow != null) {
                lastFlow = flow;
                if (iteration == 0) initialFlowRatio = ratio(flow);
            }
            spectralRadius = lstm ? Double.NaN
                    : spectrum.values().stream().mapToDouble(RecurrentSpectrum.Values::spectralRadius).max().orElse(Double.NaN);
        }

        double ratio(double[] flow) {
            return flow != null && flow.length > flowDistance ? flow[flowDistance] / flow[0] : Double.NaN;
        }

        TrainingResult.Summary finish(int iterations, Evaluator.Result eval, double seconds) {
            double trainLoss = Arrays.stream(recentLosses, 0, Math.min(seen, Regime.JUMP_WINDOW)).average().orElse(Double.NaN);
            return new TrainingResult.Summary(iterations, trainLoss,
                    eval == null ? Double.NaN : eval.loss(), eval == null ? Double.NaN : eval.perplexity(),
                    eval == null ? Double.NaN : eval.top1(), eval == null ? Double.NaN : eval.top5(),
                    eval == null ? Double.NaN : eval.longRangeAccuracy(),
                    maxGradNorm, explodingEvents, divergedAt, seconds, flowDistance, ratio(lastFlow), budgetExhausted,
                    initialFlowRatio, spectralRadius);
        }
    }
}
