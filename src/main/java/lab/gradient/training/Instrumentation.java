package lab.gradient.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.training.TrainingSettings.ClipMode;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hooks into DL4J's step between "gradient computed" and "updater applied": records every parameter's gradient
 * norm, clips (see {@link GradientClipping}), records the norms again, and afterwards the size of the update
 * relative to the parameters, layer by layer.
 */
final class Instrumentation extends BaseTrainingListener {
    private final Network network;
    private final ClipMode clipMode;
    private final double clipThreshold;
    private int batchSize = 1;
    /** DL4J's flat parameters and gradient, each parameter's and layer's place in them (the gradient's once it exists). */
    private final FlatVector parameters;
    private final Map<String, FlatVector.Range> parameterRanges;
    private final Map<String, List<FlatVector.Range>> parameterLayers;
    private FlatVector gradient;
    private Map<String, FlatVector.Range> gradientRanges;
    private Map<String, List<FlatVector.Range>> gradientLayers;

    Map<String, Double> gradNorm;
    Map<String, Double> gradNormClipped;
    Map<String, Double> updateRatio;

    Instrumentation(Network network, ClipMode clipMode, double clipThreshold) {
        this.network = network;
        this.clipMode = clipMode;
        this.clipThreshold = clipThreshold;
        this.parameters = FlatVector.of(network.model.params());
        this.parameterRanges = FlatVector.ranges(network.model.paramTable(), network.model.params());
        this.parameterLayers = FlatVector.layers(parameterRanges);
    }

    void nextBatch(int size) {
        batchSize = size;
    }

    @Override
    public void onGradientCalculation(Model model) {
        if (gradient == null) {
            INDArray flat = network.model.getFlattenedGradients();
            gradient = FlatVector.of(flat);
            gradientRanges = FlatVector.ranges(model.gradient().gradientForVariable(), flat);
            gradientLayers = FlatVector.layers(gradientRanges);
        }
        gradNorm = norms();
        GradientClipping.apply(clipMode, clipThreshold, gradient, gradientRanges, gradientLayers, batchSize);
        gradNormClipped = clipMode == ClipMode.NONE ? gradNorm : norms();
    }

    /**
     * ‖Δθ‖ / ‖θ‖ per layer: around 1e-3 is healthy; far above, the step is too big for the weights. Δθ is read where the
     * updater left it: DL4J's updater turns the gradient into the update in place, and the step is θ ← θ − update, so
     * no copy of the parameters before the step is needed.
     */
    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        gradientLayers.forEach((layer, update) ->
                ratios.put(layer, gradient.norm(update) / Math.max(parameters.norm(parameterLayers.get(layer)), 1e-12)));
        updateRatio = ratios;
    }

    /** Per-parameter L2 norms of the mean-loss gradient, plus {@code total} over all of them. */
    private Map<String, Double> norms() {
        Map<String, Double> out = new LinkedHashMap<>();
        double sumOfSquares = 0;
        for (Map.Entry<String, String> name : network.parameterNames.entrySet()) {
            double n = Math.sqrt(gradient.sumOfSquares(gradientRanges.get(name.getKey()))) / batchSize;
            out.put(name.getValue(), n);
            sumOfSquares += n * n;
        }
        out.put("total", Math.sqrt(sumOfSquares));
        return out;
    }
}
