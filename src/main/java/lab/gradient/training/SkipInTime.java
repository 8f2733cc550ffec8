package lab.gradient.training;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The notes' "skip RNNs" as skip connections in time (a dilated recurrent layer, Chang et al. 2017): the top layer of
 * {@code rnn-skip} computes h_t = tanh(W x_t + W_h h_{t−s} + b), so a word k steps back reaches the loss through about
 * k/s factors ∂h_t/∂h_{t−s} instead of k factors ∂o_t/∂o_{t−1}.
 *
 * <p>DL4J's recurrent layers only look one step back, so the dilation is done by reordering time, not by a new layer:
 * {@link Fold} turns [B, H, T] into [s·B, H, ⌈T/s⌉], row r·B + b holding steps r, r+s, r+2s, … of sequence b; an
 * ordinary SimpleRnn over that is exactly the dilated layer; {@link Unfold} puts the steps back in order. Both are
 * permutations (plus zero padding), so their backward pass is the other one applied to the gradient, and the
 * finite-difference test checks the whole model like any other.
 */
public final class SkipInTime {
    private SkipInTime() {}

    /** [B, H, T] → [s·B, H, ⌈T/s⌉], zero-padded at the end; masks alike. */
    static INDArray fold(INDArray x, int s) {
        long b = x.size(0), h = x.size(1), t = x.size(2), steps = (t + s - 1) / s;
        INDArray padded = Nd4j.zeros(x.dataType(), b, h, steps * s);
        padded.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, t)).assign(x);
        // [B, H, steps, s] → [s, B, H, steps] → [s·B, H, steps]
        return padded.reshape('c', b, h, steps, s).permute(3, 0, 1, 2).dup('c').reshape('c', s * b, h, steps);
    }

    /** The inverse of {@link #fold}: [s·B, H, steps] → [B, H, t], dropping the padding. */
    static INDArray unfold(INDArray y, int s, long t) {
        long b = y.size(0) / s, h = y.size(1), steps = y.size(2);
        INDArray ordered = y.dup('c').reshape('c', s, b, h, steps).permute(1, 2, 3, 0).dup('c').reshape('c', b, h, steps * s);
        return ordered.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, t));
    }

    static INDArray foldMask(INDArray mask, int s) {
        if (mask == null) return null;
        INDArray three = mask.reshape('c', mask.size(0), 1, mask.size(1));
        INDArray folded = fold(three, s);
        return folded.reshape('c', folded.size(0), folded.size(2));
    }

    /** Configuration of the vertex that folds time into the batch: one input, the sequence to dilate. */
    public static final class Fold extends Conf {
        public Fold() {}

        public Fold(int every) {
            super(every);
        }

        @Override
        public Fold clone() {
            return new Fold(every);
        }

        @Override
        public int minVertexInputs() {
            return 1;
        }

        @Override
        public int maxVertexInputs() {
            return 1;
        }

        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
            return new Vertex(graph, name, idx, networkDatatype, every, true);
        }
    }

    /**
     * Configuration of the vertex that unfolds: two inputs, the dilated layer's output and the sequence before
     * folding (read only for its length and mask; it gets no gradient through this vertex).
     */
    public static final class Unfold extends Conf {
        public Unfold() {}

        public Unfold(int every) {
            super(every);
        }

        @Override
        public Unfold clone() {
            return new Unfold(every);
        }

        @Override
        public int minVertexInputs() {
            return 2;
        }

        @Override
        public int maxVertexInputs() {
            return 2;
        }

        @Override
        public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
            return new Vertex(graph, name, idx, networkDatatype, every, false);
        }
    }

    /** What both configurations share: the skip s, serialised with the model so a saved run restores. */
    public abstract static class Conf extends GraphVertex {
        public int every;

        Conf() {}

        Conf(int every) {
            this.every = every;
        }

        @Override
        public boolean equals(Object o) {
            return o != null && o.getClass() == getClass() && ((Conf) o).every == every;
        }

        @Override
        public int hashCode() {
            return getClass().hashCode() * 31 + every;
        }

        @Override
        public long numParams(boolean backprop) {
            return 0;
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType... inputTypes) {
            return InputType.recurrent(((InputType.InputTypeRecurrent) inputTypes[0]).getSize());
        }

        @Override
        public MemoryReport getMemoryReport(InputType... inputTypes) {
            return new LayerMemoryReport.Builder(null, getClass(), inputTypes[0], inputTypes[0])
                    .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
        }
    }

    static final class Vertex extends BaseGraphVertex {
        private final int every;
        private final boolean folding;

        Vertex(ComputationGraph graph, String name, int index, DataType dataType, int every, boolean folding) {
            super(graph, name, index, null, null, dataType);
            this.every = every;
            this.folding = folding;
        }

        @Override
        public boolean hasLayer() {
            return false;
        }

        @Override
        public Layer getLayer() {
            return null;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray out = folding ? fold(inputs[0], every) : unfold(inputs[0], every, inputs[1].size(2));
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, out, 'c');
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (folding) {
                INDArray back = unfold(epsilon, every, inputs[0].size(2));
                return new Pair<>(null, new INDArray[] {workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, back, 'c')});
            }
            INDArray back = fold(epsilon, every);
            INDArray none = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, inputs[1].dataType(), inputs[1].shape(), 'c');
            return new Pair<>(null, new INDArray[] {workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, back, 'c'), none});
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray view) {
            if (view != null) throw new IllegalStateException("a skip-in-time vertex has no parameters");
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] masks, MaskState state, int minibatchSize) {
            if (masks == null) return new Pair<>(null, state);
            // unfolding gives back the mask of the sequence before folding, its second input
            return new Pair<>(folding ? foldMask(masks[0], every) : masks[1], state);
        }

        @Override
        public String toString() {
            return (folding ? "Fold" : "Unfold") + "(every=" + every + ")";
        }
    }
}
