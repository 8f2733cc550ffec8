package lab.gradient.training;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.training.engine.RecurrentEngine;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Our engine computing a DeepLearning4J model's loss and gradients. The model stays DL4J's (its parameters,
 * updater state, checkpoints and saved files are DL4J's as before); each step copies its parameters into the
 * engine, whose forward and backward pass write the gradient back where DL4J's own backward pass would have. DL4J
 * stays the reference: {@link #engineGradients} and {@link #dl4jGradients} set the two side by side on one batch
 * ({@link Network#step}'s first-step check, EngineEqualityTest).
 */
final class EngineBinding {
    final RecurrentEngine engine;
    private final ComputationGraph model;
    /** Parameter i of DL4J's flat vector sits at {@code dl4jSlots[i]} there and at {@code engineSlots[i]} in the engine's. */
    private final int[] dl4jSlots, engineSlots;
    private int mapped;
    /** Each DL4J key's slots: where its entries sit in {@link #dl4jSlots}, in the engine's row-major order. */
    private final Map<String, int[]> slotsByKey = new LinkedHashMap<>();
    private final float[] flat;
    private final FloatBuffer parameters;
    /** DL4J's flat gradient, once it has one (its first backward pass makes it). */
    private FloatBuffer gradients;

    private EngineBinding(RecurrentEngine engine, ComputationGraph model) {
        this.engine = engine;
        this.model = model;
        INDArray params = model.params();
        this.flat = new float[(int) params.length()];
        this.dl4jSlots = new int[flat.length];
        this.engineSlots = new int[flat.length];
        // a model in double is read through a float copy of its weights (only ever read, never trained, so)
        this.parameters = params.dataType() == DataType.FLOAT ? view(params) : FloatBuffer.wrap(params.castTo(DataType.FLOAT).toFloatVector());
        Map<String, INDArray> table = model.paramTable();
        map(table, "embed_W", engine.embeddingAt, engine.embedding, params);
        for (int l = 0; l < engine.layers; l++) {
            String layer = "rnn" + (l + 1);
            int gn = engine.gates * engine.hidden;
            map(table, layer + "_W", engine.inputWeightsAt[l], gn, params);
            map(table, layer + "_RW", engine.recurrentWeightsAt[l], gn, params);
            map(table, layer + "_b", engine.biasAt[l], gn, params);
        }
        map(table, "out_W", engine.outputWeightsAt, engine.outputWidth, params);
        map(table, "out_b", engine.outputBiasAt, engine.outputWidth, params);
        if (mapped != flat.length) throw new IllegalStateException("mapped " + mapped + " of DL4J's " + flat.length + " parameters");
    }

    /** The engine for this model, which trains every kind in float; null for a model in double (the finite-difference checks). */
    static EngineBinding forModel(ModelKind kind, TrainingSettings s, int vocabularySize, ComputationGraph model) {
        RecurrentEngine.Cell cell = cellOf(kind);
        if (model.params().dataType() != DataType.FLOAT) return null;
        // the largest batch is a training batch or the probe's windows, the longest a window of T steps
        int maxBatch = Math.max(s.batch, TrainingData.PROBE_WINDOWS), maxSteps = Math.max(s.window, 1);
        int topLag = kind == ModelKind.RNN_SKIP ? s.skip : 1;
        return new EngineBinding(new RecurrentEngine(cell, vocabularySize, s.embedding, s.hidden, s.layers, topLag, maxBatch, maxSteps), model);
    }

    /**
     * An engine holding a copy of this trained model's weights, for one window at a time (a batch of 1) and word-by-word
     * reading. A model in double (the finite-difference checks' reference) is read in float: its weights rounded.
     */
    static RecurrentEngine forReading(ModelKind kind, TrainingSettings s, int vocabularySize, ComputationGraph model) {
        int topLag = kind == ModelKind.RNN_SKIP ? s.skip : 1;
        // at least one step more than the skip reads back: reading drops the oldest steps beyond maxSteps
        RecurrentEngine engine = new RecurrentEngine(cellOf(kind), vocabularySize, s.embedding, s.hidden, s.layers, topLag, 1,
                Math.max(s.window, topLag + 1));
        new EngineBinding(engine, model).pullParameters();
        return engine;
    }

    static RecurrentEngine.Cell cellOf(ModelKind kind) {
        return switch (kind) {
            case RNN, RNN_SKIP -> RecurrentEngine.Cell.TANH;
            case RNN_RELU, IRNN -> RecurrentEngine.Cell.RELU;
            case RNN_LEAKY -> RecurrentEngine.Cell.LEAKY_RELU;
            case LSTM -> RecurrentEngine.Cell.LSTM;
        };
    }

    /** The engine keeps a [rows×cols] matrix row-major at {@code at}, rows {@code engineRow} apart; DL4J as its view's strides say. */
    private void map(Map<String, INDArray> table, String key, int at, int engineRow, INDArray params) {
        INDArray view = table.get(key);
        long rows = view.rank() == 2 ? view.size(0) : 1, cols = view.rank() == 2 ? view.size(1) : view.length();
        long base = view.offset() - params.offset();
        long rowStride = view.rank() == 2 ? view.stride(0) : 0, colStride = view.rank() == 2 ? view.stride(1) : view.stride(0);
        if (rows == 1) rowStride = 0;
        int[] slots = new int[(int) (rows * cols)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                slots[(int) (i * cols + j)] = mapped;
                engineSlots[mapped] = at + i * engineRow + j;
                dl4jSlots[mapped++] = (int) (base + i * rowStride + j * colStride);
            }
        }
        slotsByKey.put(key, slots);
    }

    private static FloatBuffer view(INDArray array) {
        FloatBuffer all = array.data().asNioFloat();
        all.position((int) array.offset());
        return all.slice();
    }

    /** Loads these windows (every scored step counting, or the last step alone for the gradient-flow probe). */
    void load(List<TrainingData.Window> windows, boolean lastStepOnly) {
        int steps = 1;
        for (TrainingData.Window w : windows) steps = Math.max(steps, w.length());
        engine.startBatch(windows.size(), steps);
        for (int b = 0; b < windows.size(); b++) {
            TrainingData.Window w = windows.get(b);
            int last = w.length() - 1;
            engine.window(b, w.inputs(), w.labels(), lastStepOnly ? last : w.firstScored(), last);
        }
    }

    /** DL4J's parameters into the engine: the model being trained is still DL4J's. */
    void pullParameters() {
        parameters.get(0, flat);
        float[] p = engine.parameters;
        for (int i = 0; i < mapped; i++) p[engineSlots[i]] = flat[dl4jSlots[i]];
    }

    /** The engine's gradient into DL4J's flat gradient, where the optimizer's step reads it. */
    void pushGradient() {
        if (gradients == null) gradients = view(model.getFlattenedGradients());
        float[] g = engine.gradient;
        for (int i = 0; i < mapped; i++) flat[dl4jSlots[i]] = g[engineSlots[i]];
        gradients.put(0, flat);
    }

    /** Each parameter's gradient from the engine, by DL4J key, as a flat row-major copy. */
    Map<String, float[]> engineGradients() {
        Map<String, float[]> out = new LinkedHashMap<>();
        slotsByKey.forEach((key, slots) -> {
            float[] g = new float[slots.length];
            for (int i = 0; i < slots.length; i++) g[i] = engine.gradient[engineSlots[slots[i]]];
            out.put(key, g);
        });
        return out;
    }

    /** DL4J's gradient now in its flat vector, by key, laid out as the engine lays it out. */
    Map<String, float[]> dl4jGradients() {
        FloatBuffer source = view(model.getFlattenedGradients());
        float[] all = new float[flat.length];
        source.get(0, all);
        Map<String, float[]> out = new LinkedHashMap<>();
        slotsByKey.forEach((key, slots) -> {
            float[] g = new float[slots.length];
            for (int i = 0; i < slots.length; i++) g[i] = all[dl4jSlots[slots[i]]];
            out.put(key, g);
        });
        return out;
    }

    /** The largest over parameters of ‖g_engine − g_DL4J‖ / ‖g_DL4J‖ (an all-zero DL4J gradient compares absolutely). */
    static double largestRelativeDifference(Map<String, float[]> engine, Map<String, float[]> dl4j) {
        double worst = 0;
        for (Map.Entry<String, float[]> e : dl4j.entrySet()) {
            float[] reference = e.getValue(), ours = engine.get(e.getKey());
            double difference = 0, size = 0;
            for (int i = 0; i < reference.length; i++) {
                double d = (double) ours[i] - reference[i];
                difference += d * d;
                size += (double) reference[i] * reference[i];
            }
            double relative = size > 0 ? Math.sqrt(difference / size) : Math.sqrt(difference);
            worst = Math.max(worst, Double.isNaN(relative) ? Double.POSITIVE_INFINITY : relative);
        }
        return worst;
    }
}
