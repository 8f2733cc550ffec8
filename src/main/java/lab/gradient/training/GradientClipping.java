package lab.gradient.training;

import java.util.List;
import java.util.Map;
import lab.gradient.training.TrainingSettings.ClipMode;

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

    /** Clips DL4J's raw gradient in place; {@code ranges} are its parameters, {@code layers} the same grouped by layer. */
    static void apply(ClipMode mode, double threshold, FlatVector gradient, Map<String, FlatVector.Range> ranges,
            Map<String, List<FlatVector.Range>> layers, int batchSize) {
        switch (mode) {
            case NONE -> { }
            case NORM -> scaleDownTo(threshold, gradient, List.copyOf(ranges.values()), batchSize);
            case LAYER_NORM -> layers.values().forEach(layer -> scaleDownTo(threshold, gradient, layer, batchSize));
            case VALUE -> ranges.values().forEach(r -> gradient.clamp(r, threshold * batchSize));
        }
    }

    private static void scaleDownTo(double threshold, FlatVector gradient, List<FlatVector.Range> ranges, int batchSize) {
        double norm = gradient.norm(ranges) / batchSize;
        if (norm > threshold) gradient.scale(ranges, threshold / norm);
    }
}
