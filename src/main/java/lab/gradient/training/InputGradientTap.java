package lab.gradient.training;

import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An identity vertex that keeps the gradient flowing back through it: placed right after the graph's input, it
 * hands the probe ∂L/∂x, which DL4J computes during backprop but does not return for a ComputationGraph.
 */
final class InputGradientTap extends ScaleVertex {
    InputGradientTap() {
        super(1.0);
    }

    @Override
    public InputGradientTap clone() {
        return new InputGradientTap();
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
            boolean initializeParams, DataType networkDatatype) {
        return new Tap(graph, name, idx, networkDatatype);
    }

    static final class Tap extends org.deeplearning4j.nn.graph.vertex.impl.ScaleVertex {
        private INDArray inputGradient;

        Tap(ComputationGraph graph, String name, int idx, DataType dataType) {
            super(graph, name, idx, 1.0, dataType);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            // a copy outside any workspace: the backward pass's own memory is reused once it returns
            inputGradient = getEpsilon().detach();
            return super.doBackward(tbptt, workspaceMgr);
        }

        /** ∂(sum of the batch's losses)/∂x from the last backward pass, [batch, features, T]. */
        INDArray takeInputGradient() {
            INDArray g = inputGradient;
            inputGradient = null;
            return g;
        }
    }
}
