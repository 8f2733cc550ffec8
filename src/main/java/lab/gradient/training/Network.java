package lab.gradient.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.OrthogonalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
 * One model: word ids → embedding → recurrent layer(s) → softmax over the vocabulary, built with DL4J's
 * configuration builders. Beside it lives {@link #recurrentPart}: the same layers without the embedding,
 * sharing the very same parameter memory, so the probe can ask DL4J for ∂L/∂x_t on the embedded inputs
 * (DL4J returns no input gradient for word ids).
 */
public final class Network {
    public final ModelKind kind;
    public final MultiLayerNetwork model;
    public final MultiLayerNetwork recurrentPart;
    /** Readable name of every parameter in layer order, by DL4J's key ("1_RW" → "rnn1.W_h"): the notes' w_in, w_h, w_out. */
    public final Map<String, String> parameterNames;
    /** DL4J keys of the square-or-gated recurrent matrices, in layer order. */
    public final List<String> recurrentKeys;

    private Network(ModelKind kind, MultiLayerNetwork model, MultiLayerNetwork recurrentPart,
            Map<String, String> parameterNames, List<String> recurrentKeys) {
        this.kind = kind;
        this.model = model;
        this.recurrentPart = recurrentPart;
        this.parameterNames = parameterNames;
        this.recurrentKeys = recurrentKeys;
    }

    public static Network build(ModelKind kind, TrainingSettings s, int vocabularySize, DataType dataType) {
        List<Layer> layers = new ArrayList<>();
        layers.add(new EmbeddingSequenceLayer.Builder().nIn(vocabularySize).nOut(s.embedding).hasBias(false)
                .outputDataFormat(RNNFormat.NCW).weightInit(WeightInit.XAVIER).build());
        int in = s.embedding;
        for (int l = 0; l < s.layers; l++) {
            layers.add(recurrentLayer(kind, s, in));
            in = s.hidden;
        }
        layers.add(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(s.hidden).nOut(vocabularySize)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).dataFormat(RNNFormat.NCW).build());

        MultiLayerNetwork model = new MultiLayerNetwork(configuration(s, dataType, layers));
        model.init();
        MultiLayerNetwork recurrentPart = new MultiLayerNetwork(configuration(s, dataType, layers.subList(1, layers.size())));
        long embeddingParams = model.getLayer(0).numParams();
        // a view, not a copy: the probe always sees the parameters being trained
        recurrentPart.init(model.params().get(NDArrayIndex.interval(embeddingParams, model.numParams())), false);

        Map<String, String> names = new LinkedHashMap<>();
        List<String> recurrentKeys = new ArrayList<>();
        names.put("0_W", "embed.W");
        for (int l = 1; l <= s.layers; l++) {
            names.put(l + "_W", "rnn" + l + ".W_in");
            names.put(l + "_RW", "rnn" + l + ".W_h");
            names.put(l + "_b", "rnn" + l + ".b");
            recurrentKeys.add(l + "_RW");
        }
        names.put((s.layers + 1) + "_W", "out.W_out");
        names.put((s.layers + 1) + "_b", "out.b");
        return new Network(kind, model, recurrentPart, Collections.unmodifiableMap(names), List.copyOf(recurrentKeys));
    }

    private static Layer recurrentLayer(ModelKind kind, TrainingSettings s, int nIn) {
        if (kind.isLstm()) {
            return new LSTM.Builder().nIn(nIn).nOut(s.hidden).activation(Activation.TANH)
                    .gateActivationFunction(Activation.SIGMOID).weightInit(WeightInit.XAVIER)
                    .weightInitRecurrent(recurrentInit(s)).dataFormat(RNNFormat.NCW).build();
        }
        Activation activation = switch (kind) {
            case RNN -> Activation.TANH;
            case RNN_LEAKY -> Activation.LEAKYRELU;
            default -> Activation.RELU;
        };
        return new SimpleRnn.Builder().nIn(nIn).nOut(s.hidden).activation(activation).weightInit(WeightInit.XAVIER)
                .weightInitRecurrent(recurrentInit(s)).dataFormat(RNNFormat.NCW).build();
    }

    /** W_h's start decides whether ∏ ∂o_t/∂o_{t-1} starts out shrinking (small), steady (identity) or growing (large). */
    private static org.deeplearning4j.nn.weights.IWeightInit recurrentInit(TrainingSettings s) {
        return switch (s.init) {
            case XAVIER -> WeightInit.XAVIER.getWeightInitFunction();
            case NORMAL -> new WeightInitDistribution(new NormalDistribution(0, s.initScale / Math.sqrt(s.hidden)));
            case IDENTITY -> new WeightInitIdentity(s.initScale);
            case ORTHOGONAL -> new WeightInitDistribution(new OrthogonalDistribution(s.initScale));
        };
    }

    private static org.deeplearning4j.nn.conf.MultiLayerConfiguration configuration(
            TrainingSettings s, DataType dataType, List<Layer> layers) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(s.seed)
                .dataType(dataType)
                .updater(updater(s))
                .list();
        for (Layer layer : layers) list.layer(layer);
        return list.build();
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

    /** Embedded inputs [batch, E, T], as layer 0 computes them: what the recurrent part reads. */
    public INDArray embed(INDArray wordIds) {
        return model.feedForwardToLayer(0, wordIds, false).get(1);
    }

    public int hidden() {
        return (int) model.getLayer(1).getParam("RW").size(0);
    }
}
