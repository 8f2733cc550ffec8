package lab.gradient.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.training.TrainingSettings.ClipMode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The notes' fix 1 for exploding gradients: clipping, applied in place to the gradient DL4J just computed and
 * before its updater reads it. Thresholds refer to the gradient of the mean loss over the batch (DL4J's raw
 * gradient is the sum, hence {@code batchSize}), the same gradient whose norms the charts show.
 *
 * <ul>
 *   <li>{@code norm}: if ‖g‖ over all parameters exceeds τ, g ← g·τ/‖g‖ (Pascanu, Mikolov & Bengio 2013). The
 *       direction is kept, only the step shrinks. DL4J has no global version, so this one is ours.
 *   <li>{@code layer-norm}: the same, layer by layer.
 *   <li>{@code value}: every component clamped to [−τ, τ]; cheap, but it bends the direction.
 * </ul>
 */
final class GradientClipping {
    private GradientClipping() {}

    static void apply(ClipMode mode, double threshold, Map<String, INDArray> rawGradient, int batchSize) {
        switch (mode) {
            case NONE -> { }
            case NORM -> scaleDownTo(threshold, rawGradient.values(), batchSize);
            case LAYER_NORM -> byLayer(rawGradient).values().forEach(layer -> scaleDownTo(threshold, layer, batchSize));
            case VALUE -> rawGradient.values().forEach(g ->
                    Transforms.min(Transforms.max(g, -threshold * batchSize, false), threshold * batchSize, false));
        }
    }

    private static void scaleDownTo(double threshold, Iterable<INDArray> gradients, int batchSize) {
        double sumOfSquares = 0;
        for (INDArray g : gradients) sumOfSquares += Math.pow(g.norm2Number().doubleValue(), 2);
        double norm = Math.sqrt(sumOfSquares) / batchSize;
        if (norm > threshold) {
            for (INDArray g : gradients) g.muli(threshold / norm);
        }
    }

    /** DL4J keys are "layerIndex_param": group them by layer. */
    static Map<String, List<INDArray>> byLayer(Map<String, INDArray> gradient) {
        Map<String, List<INDArray>> layers = new LinkedHashMap<>();
        gradient.forEach((key, g) -> layers.computeIfAbsent(key.substring(0, key.indexOf('_')),
                k -> new java.util.ArrayList<>()).add(g));
        return layers;
    }
}
