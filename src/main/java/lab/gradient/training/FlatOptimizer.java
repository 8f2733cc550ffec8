package lab.gradient.training;

import java.nio.FloatBuffer;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The optimizer's step as one loop over DL4J's own flat arrays: the gradient (the sum over the batch's windows), the
 * parameters and the updater's state, read and written in place in DL4J's layout, so a checkpoint holds the same
 * state whichever side stepped and a run resumes as before. Per parameter θ with mean gradient g = Σg / batch:
 *
 * <ul>
 *   <li>SGD: u = η·g
 *   <li>momentum (Nesterov's, μ = 0.9): v′ = μ·v − η·g, u = μ·v − (1 + μ)·v′
 *   <li>Adam: m′ = β₁·m + (1 − β₁)·g, v′ = β₂·v + (1 − β₂)·g², u = α_t·m′ / (√v′ + ε) with
 *       α_t = η·√(1 − β₂^(t+1)) / (1 − β₁^(t+1))
 *   <li>RMSProp: s′ = ρ·s + (1 − ρ)·g², u = η·g / (√s′ + ε)
 * </ul>
 *
 * then θ ← θ − u. These are DL4J's updater kernels' formulas, with its constants and learning-rate schedule read from
 * the model's own updater configuration; the update u is left where DL4J leaves it (in the gradient vector), where
 * {@link Instrumentation} reads it. EngineEqualityTest holds 50 steps of each to DL4J's own updater. DL4J's updater
 * spent most of a small model's step in per-variable views and op set-up (JFR, docs/benchmarks.md); this loop does not.
 */
final class FlatOptimizer {
    private final FloatBuffer parameters, gradient, state;
    private final List<UpdaterBlock> blocks;

    /** For a model that has computed a gradient once (DL4J makes its flat gradient vector then). */
    FlatOptimizer(ComputationGraph model) {
        if (model.params().dataType() != DataType.FLOAT) throw new IllegalArgumentException("float parameters only");
        BaseMultiLayerUpdater<?> updater = (BaseMultiLayerUpdater<?>) model.getUpdater();
        this.blocks = updater.getUpdaterBlocks();
        this.parameters = floats(model.params());
        this.gradient = floats(model.getFlattenedGradients());
        INDArray stateView = updater.getStateViewArray();
        this.state = stateView == null ? null : floats(stateView);
    }

    private static FloatBuffer floats(INDArray array) {
        FloatBuffer all = array.data().asNioFloat();
        all.position((int) array.offset());
        return all.slice();
    }

    /** One step of every parameter, from the raw gradient of {@code batchSize} windows. */
    void step(int iteration, int epoch, int batchSize) {
        for (UpdaterBlock block : blocks) {
            int from = block.getParamOffsetStart(), to = block.getParamOffsetEnd(), at = block.getUpdaterViewOffsetStart();
            IUpdater config = block.getGradientUpdater().getConfig();
            double rate = config.getLearningRate(iteration, epoch);
            if (config instanceof Adam adam) {
                adam(from, to, at, at + (to - from), rate, adam, iteration, batchSize);
            } else if (config instanceof Nesterovs nesterovs) {
                float mu = (float) nesterovs.currentMomentum(iteration, epoch), lr = (float) rate;
                for (int i = from, s = at; i < to; i++, s++) {
                    float g = gradient.get(i) / batchSize, previous = mu * state.get(s), v = previous - lr * g;
                    state.put(s, v);
                    apply(i, previous + (-mu - 1) * v);
                }
            } else if (config instanceof RmsProp rms) {
                float decay = (float) rms.getRmsDecay(), epsilon = (float) rms.getEpsilon(), lr = (float) rate;
                for (int i = from, s = at; i < to; i++, s++) {
                    float g = gradient.get(i) / batchSize, mean = state.get(s) * decay + g * g * (1 - decay);
                    state.put(s, mean);
                    apply(i, lr * g / ((float) Math.sqrt(mean) + epsilon));
                }
            } else if (config instanceof Sgd) {
                float lr = (float) rate;
                for (int i = from; i < to; i++) apply(i, lr * (gradient.get(i) / batchSize));
            } else {
                throw new IllegalStateException("no flat step for " + config);
            }
        }
    }

    private void adam(int from, int to, int mAt, int vAt, double rate, Adam adam, int iteration, int batchSize) {
        float beta1 = (float) adam.getBeta1(), beta2 = (float) adam.getBeta2(), epsilon = (float) adam.getEpsilon();
        double beta1T = Math.pow(beta1, iteration + 1), beta2T = Math.pow(beta2, iteration + 1);
        double alphaT = rate * Math.sqrt(1 - beta2T) / (1 - beta1T);
        float alpha = (float) (Double.isFinite(alphaT) && alphaT != 0 ? alphaT : epsilon);
        for (int i = from, m = mAt, v = vAt; i < to; i++, m++, v++) {
            float g = gradient.get(i) / batchSize;
            float first = beta1 * state.get(m) + g * (1 - beta1), second = beta2 * state.get(v) + g * g * (1 - beta2);
            state.put(m, first);
            state.put(v, second);
            apply(i, first * alpha / ((float) Math.sqrt(second) + epsilon));
        }
    }

    /** θ ← θ − u, with u kept in the gradient vector as DL4J's updater leaves it. */
    private void apply(int i, float update) {
        gradient.put(i, update);
        parameters.put(i, parameters.get(i) - update);
    }
}
