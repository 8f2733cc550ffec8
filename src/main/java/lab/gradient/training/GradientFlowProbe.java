package lab.gradient.training;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Gradient flow through time: how much of the loss at the last step of a window reaches the input k steps back.
 *
 * <p>The notes write the far-back term of ∂L/∂w_in as
 * ∂L/∂ŷ · ∂ŷ/∂o_T · ∏_{t} ∂o_t/∂o_{t-1} · ∂o_{T-k}/∂w_in. Its size is set by the product of k factors
 * ∂o_t/∂o_{t-1}: if they are below 1 it vanishes, above 1 it explodes. This probe measures the product's effect
 * directly: g(k) = ‖∂L_T/∂x_{T-k}‖, the gradient of the last step's loss with respect to the (embedded) input
 * k steps back, from our engine's backward pass (DL4J's for a model in double, the finite-difference checks'). Each probe window gets its
 * own norm and g(k) is their median:
 * the typical window, not the one outlier that a chaotic RNN throws up now and then. g(0) is the last step.
 */
public final class GradientFlowProbe {
    private final Network network;
    private final List<TrainingData.Window> windows;
    private final Batch batch;

    GradientFlowProbe(Network network, List<TrainingData.Window> windows, int vocabularySize) {
        this.network = network;
        this.windows = windows;
        this.batch = windows.isEmpty() || network.engine != null ? null
                : Batch.lastStepOnly(windows, vocabularySize, network.model.params().dataType());
    }

    public boolean isAvailable() {
        return !windows.isEmpty();
    }

    /** g(k) for k = 0 … T−1, or an empty array when the corpus was too short for a probe window. */
    public double[] measure() {
        if (windows.isEmpty()) return new double[0];
        if (network.engine == null) return measureWithDl4j(batch);
        EngineBinding engine = network.engine;
        engine.pullParameters();
        engine.load(windows, true);
        engine.engine.lossAndGradient();
        // row t·B + b of ∂L/∂x is window b's step t; the probe's windows all have T steps
        float[] inputGradient = engine.engine.inputGradient();
        int b = engine.engine.batch(), steps = engine.engine.steps(), e = engine.engine.embedding;
        double[] norms = new double[steps], perWindow = new double[b];
        for (int k = 0; k < steps; k++) {
            int t = steps - 1 - k;
            for (int w = 0; w < b; w++) {
                double sumOfSquares = 0;
                for (int i = 0, at = (t * b + w) * e; i < e; i++) sumOfSquares += (double) inputGradient[at + i] * inputGradient[at + i];
                perWindow[w] = Math.sqrt(sumOfSquares);
            }
            norms[k] = median(perWindow);
        }
        return norms;
    }

    /** g(k) from DL4J's backward pass through the twin graph and its input-gradient tap: the reference. */
    double[] measureWithDl4j() {
        return measureWithDl4j(Batch.lastStepOnly(windows, (int) network.model.getLayer("out").getParam("b").length(),
                network.model.params().dataType()));
    }

    private double[] measureWithDl4j(Batch batch) {
        INDArray embedded = network.embed(batch.features());
        // [batch, E, T]: DL4J sums the windows' losses, so row b is exactly ∂L_b/∂x_b of window b alone
        INDArray inputGradient = network.inputGradient(embedded, batch.labels(), batch.labelsMask());
        int steps = (int) inputGradient.size(2);
        double[] norms = new double[steps];
        for (int k = 0; k < steps; k++) {
            INDArray atStep = inputGradient.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(steps - 1 - k));
            norms[k] = median(atStep.norm2(1).toDoubleVector());
        }
        return norms;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
