package lab.gradient.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.deeplearning4j.nn.weights.WeightInitIdentity;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * One model, built with DL4J's graph builder: word ids → {@code embed} → {@code rnn1} … {@code rnnL} → softmax
 * {@code out}; for {@code rnn-skip}, the top layer steps every s-th word ({@link SkipInTime}), a shorter road
 * through time for the gradient. Beside it lives {@link #recurrentPart}: the same graph from the embedded inputs
 * on, sharing the very same parameter memory, whose {@link InputGradientTap} hands the probe ∂L/∂x_t (DL4J gives
 * no gradient for word ids).
 */
public final class Network {
    static final String INPUT = "words";
    static final String EMBEDDED = "embedded";
    static final String TAP = "tap";

    public final ModelKind kind;
    public final ComputationGraph model;
    public final ComputationGraph recurrentPart;
    /** Readable name of every parameter in layer order, by DL4J's key ("rnn1_RW" → "rnn1.W_h"): the notes' w_in, w_h, w_out. */
    public final Map<String, String> parameterNames;
    /** DL4J keys of the recurrent matrices W_h, in layer order. */
    public final List<String> recurrentKeys;
    /** Our engine, computing this model's gradients, or null where DL4J computes them (a model in double, the reference). */
    final EngineBinding engine;
    private final int vocabularySize;

    private Network(ModelKind kind, ComputationGraph model, ComputationGraph recurrentPart,
            Map<String, String> parameterNames, List<String> recurrentKeys, EngineBinding engine, int vocabularySize) {
        this.kind = kind;
        this.model = model;
        this.recurrentPart = recurrentPart;
        this.parameterNames = parameterNames;
        this.recurrentKeys = recurrentKeys;
        this.engine = engine;
        this.vocabularySize = vocabularySize;
    }

    public static Network build(ModelKind kind, TrainingSettings s, int vocabularySize, DataType dataType) {
        return build(kind, s, vocabularySize, dataType, true);
    }

    /** As above; {@code engine} false leaves the gradients to DL4J alone (the reference). */
    static Network build(ModelKind kind, TrainingSettings s, int vocabularySize, DataType dataType, boolean engine) {
        ComputationGraphConfiguration.GraphBuilder full = builder(s, dataType).addInputs(INPUT)
                .addLayer("embed", new EmbeddingSequenceLayer.Builder().nIn(vocabularySize).nOut(s.embedding)
                        .hasBias(false).outputDataFormat(RNNFormat.NCW).weightInit(WeightInit.XAVIER).build(), INPUT);
        String top = addRecurrentStack(full, kind, s, vocabularySize, "embed");
        full.setOutputs("out");
        ComputationGraph model = new ComputationGraph(full.build());
        model.init();

        ComputationGraphConfiguration.GraphBuilder tail = builder(s, dataType).addInputs(EMBEDDED)
                .addVertex(TAP, new InputGradientTap(), EMBEDDED);
        addRecurrentStack(tail, kind, s, vocabularySize, TAP);
        tail.setOutputs("out");
        ComputationGraph recurrentPart = new ComputationGraph(tail.build());
        long embeddingParams = model.getLayer("embed").numParams();
        // a view, not a copy: the probe always sees the parameters being trained
        recurrentPart.init(model.params().get(NDArrayIndex.interval(embeddingParams, model.numParams())), false);

        Map<String, String> names = new LinkedHashMap<>();
        List<String> recurrentKeys = new ArrayList<>();
        names.put("embed_W", "embed.W");
        for (int l = 1; l <= s.layers; l++) {
            names.put("rnn" + l + "_W", "rnn" + l + ".W_in");
            names.put("rnn" + l + "_RW", "rnn" + l + ".W_h");
            names.put("rnn" + l + "_b", "rnn" + l + ".b");
            recurrentKeys.add("rnn" + l + "_RW");
        }
        names.put("out_W", "out.W_out");
        names.put("out_b", "out.b");
        return new Network(kind, model, recurrentPart, Collections.unmodifiableMap(names), List.copyOf(recurrentKeys),
                engine ? EngineBinding.forModel(kind, s, vocabularySize, model) : null, vocabularySize);
    }

    /** A restored model, for prediction only: it has no probe part. */
    public static Network forPrediction(ModelKind kind, ComputationGraph graph) {
        return new Network(kind, graph, null, Map.of(), List.of(), null, (int) graph.getLayer("out").getParam("b").length());
    }

    /** rnn1 … rnnL (the top one skipping in time for rnn-skip) and the softmax output, reading from {@code input}. */
    private static String addRecurrentStack(ComputationGraphConfiguration.GraphBuilder g, ModelKind kind,
            TrainingSettings s, int vocabularySize, String input) {
        String below = input;
        int nIn = s.embedding;
        for (int l = 1; l <= s.layers; l++) {
            String name = "rnn" + l;
            if (kind == ModelKind.RNN_SKIP && l == s.layers) {
                // the top layer skips in time: its state at t reads h_{t−s}, not h_{t−1} (see SkipInTime)
                g.addVertex("fold", new SkipInTime.Fold(s.skip), below);
                g.addLayer(name, recurrentLayer(kind, s, nIn), "fold");
                g.addVertex("unfold", new SkipInTime.Unfold(s.skip), name, below);
                name = "unfold";
            } else {
                g.addLayer(name, recurrentLayer(kind, s, nIn), below);
            }
            below = name;
            nIn = s.hidden;
        }
        g.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(s.hidden).nOut(vocabularySize)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).dataFormat(RNNFormat.NCW).build(), below);
        return below;
    }

    private static Layer recurrentLayer(ModelKind kind, TrainingSettings s, int nIn) {
        if (kind.isLstm()) {
            return new LSTM.Builder().nIn(nIn).nOut(s.hidden).activation(Activation.TANH)
                    .gateActivationFunction(Activation.SIGMOID).forgetGateBiasInit(s.forgetBias).weightInit(WeightInit.XAVIER)
                    .weightInitRecurrent(recurrentInit(s)).dataFormat(RNNFormat.NCW).build();
        }
        Activation activation = switch (kind) {
            case RNN, RNN_SKIP -> Activation.TANH;
            case RNN_LEAKY -> Activation.LEAKYRELU;
            default -> Activation.RELU;
        };
        return new SimpleRnn.Builder().nIn(nIn).nOut(s.hidden).activation(activation).weightInit(WeightInit.XAVIER)
                .weightInitRecurrent(recurrentInit(s)).dataFormat(RNNFormat.NCW).build();
    }

    /** W_h's start decides whether ∏ ∂o_t/∂o_{t-1} starts out shrinking (small), steady (identity) or growing (large). */
    private static IWeightInit recurrentInit(TrainingSettings s) {
        return switch (s.init) {
            case XAVIER -> WeightInit.XAVIER.getWeightInitFunction();
            case NORMAL -> new WeightInitDistribution(new NormalDistribution(0, s.initScale / Math.sqrt(s.hidden)));
            case IDENTITY -> new WeightInitIdentity(s.initScale);
            case ORTHOGONAL -> new OrthogonalInit(s.initScale);
        };
    }

    private static ComputationGraphConfiguration.GraphBuilder builder(TrainingSettings s, DataType dataType) {
        return new NeuralNetConfiguration.Builder().seed(s.seed).dataType(dataType).updater(updater(s)).graphBuilder();
    }

    private static IUpdater updater(TrainingSettings s) {
        ISchedule rate = s.decay < 1 ? new ExponentialSchedule(ScheduleType.EPOCH, s.learningRate, s.decay) : null;
        return switch (s.optimizer) {
            case SGD -> rate == null ? new Sgd(s.learningRate) : new Sgd(rate);
            case MOMENTUM -> rate == null ? new Nesterovs(s.learningRate, 0.9) : new Nesterovs(rate, 0.9);
            case ADAM -> rate == null ? new Adam(s.learningRate) : new Adam(rate);
            case RMSPROP -> rate == null ? new RmsProp(s.learningRate) : new RmsProp(rate);
        };
    }

    /** Embedded inputs [batch, E, T], as the embedding layer computes them: what the recurrent part reads. */
    public INDArray embed(INDArray wordIds) {
        return model.feedForward(new INDArray[] {wordIds}, model.getVertex("embed").getVertexIndex(), false).get("embed");
    }

    /** Softmax over the vocabulary, [batch, V, T]. */
    public INDArray output(INDArray wordIds, INDArray featuresMask, INDArray labelsMask) {
        return model.output(false, new INDArray[] {wordIds}, featuresMask == null ? null : new INDArray[] {featuresMask},
                labelsMask == null ? null : new INDArray[] {labelsMask})[0];
    }

    /** Backprop of the loss on the embedded inputs through the recurrent part: ∂(Σ losses)/∂x, [batch, E, T]. */
    public INDArray inputGradient(INDArray embedded, INDArray labels, INDArray labelsMask) {
        recurrentPart.setInputs(embedded);
        recurrentPart.setLabels(labels);
        recurrentPart.setLayerMaskArrays(null, new INDArray[] {labelsMask});
        recurrentPart.computeGradientAndScore();
        recurrentPart.clearLayerMaskArrays();
        return ((InputGradientTap.Tap) recurrentPart.getVertex(TAP)).takeInputGradient();
    }

    /** The score DL4J minimises on the embedded inputs: the finite-difference checks differentiate this. */
    double recurrentScore(INDArray embedded, INDArray labels, INDArray labelsMask) {
        return recurrentPart.score(new org.nd4j.linalg.dataset.DataSet(embedded, labels, null, labelsMask), false);
    }

    double score(Batch batch) {
        return model.score(new org.nd4j.linalg.dataset.DataSet(batch.features(), batch.labels(), batch.featuresMask(),
                batch.labelsMask()), false);
    }

    /**
     * One training step on these windows, returning DL4J's score (Σ losses / windows). Where our engine trains this
     * kind it computes the loss and gradients, and the step follows DL4J's {@code fit} (listeners, then the optimizer's
     * step θ ← θ − update by {@link FlatOptimizer}, listeners); the first step of a network also computes them with DL4J on the same weights
     * (on at most {@value #CHECK_WINDOWS} of its windows) and records how far the two differ in {@link #gradientCheck}.
     */
    double step(List<TrainingData.Window> windows) {
        if (engine == null) {
            fit(Batch.of(windows, vocabularySize, model.params().dataType()));
            return model.score();
        }
        engine.pullParameters();
        if (model.gradient() == null) checkAgainstDl4j(windows.subList(0, Math.min(windows.size(), CHECK_WINDOWS)));
        engine.load(windows, false);
        double loss = engine.engine.lossAndGradient();
        engine.pushGradient();
        applyUpdate(windows.size());
        return loss / windows.size();
    }

    /**
     * The first batch's windows (at most this many) on which DL4J checks the engine's gradients: a whole lesson batch,
     * while a wide batch's check stays a fraction of its step (DL4J computes it 2–10× slower than the engine).
     */
    public static final int CHECK_WINDOWS = 32;

    /** The largest per-parameter relative difference between our gradients and DL4J's on the first batch, NaN before it. */
    double gradientCheck = Double.NaN;

    /** Both engines' gradients of the same windows on the same weights, and how far apart they are. */
    private void checkAgainstDl4j(List<TrainingData.Window> windows) {
        computeWithDl4j(windows);
        engine.load(windows, false);
        engine.engine.lossAndGradient();
        gradientCheck = EngineBinding.largestRelativeDifference(engine.engineGradients(), engine.dl4jGradients());
    }

    /** DL4J's own forward and backward pass on these windows: its gradient into its flat gradient vector (the reference). */
    void computeWithDl4j(List<TrainingData.Window> windows) {
        Batch batch = Batch.of(windows, vocabularySize, model.params().dataType());
        model.setInputs(batch.features());
        model.setLabels(batch.labels());
        model.setLayerMaskArrays(new INDArray[] {batch.featuresMask()}, new INDArray[] {batch.labelsMask()});
        model.computeGradientAndScore();
        model.clearLayerMaskArrays();
    }

    /** The optimizer's step on DL4J's arrays, made at the first update (after DL4J's first gradient). */
    private FlatOptimizer optimizer;

    /**
     * What DL4J's StochasticGradientDescent does after the gradient: listeners (the norms and clipping), the
     * optimizer's step θ ← θ − update, listeners; the step as one flat loop ({@link FlatOptimizer}).
     */
    private void applyUpdate(int batchSize) {
        int iteration = model.getIterationCount(), epoch = model.getEpochCount();
        for (var listener : model.getListeners()) listener.onGradientCalculation(model);
        if (optimizer == null) optimizer = new FlatOptimizer(model);
        optimizer.step(iteration, epoch, batchSize);
        for (var listener : model.getListeners()) listener.iterationDone(model, iteration, epoch);
        model.getConfiguration().setIterationCount(iteration + 1);
    }

    public void fit(Batch batch) {
        model.fit(new INDArray[] {batch.features()}, new INDArray[] {batch.labels()},
                new INDArray[] {batch.featuresMask()}, new INDArray[] {batch.labelsMask()});
    }
}
