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

    Map<String, Double> gradNorm;
    Map<String, Double> gradNormClipped;
    Map<String, Double> updateRatio;

    Instrumentation(Network network, ClipMode clipMode, double clipThreshold) {
        this.network = network;
        this.clipMode = clipMode;
        this.clipThreshold = clipThreshold;
    }

    void nextBatch(int size) {
        batchSize = size;
    }

    @Override
    public void onGradientCalculation(Model model) {
        Map<String, INDArray> raw = model.gradient().gradientForVariable();
        gradNorm = norms(raw);
        GradientClipping.apply(clipMode, clipThreshold, raw, batchSize);
        gradNormClipped = clipMode == ClipMode.NONE ? gradNorm : norms(raw);
    }

    /**
     * ‖Δθ‖ / ‖θ‖ per layer: around 1e-3 is healthy; far above, the step is too big for the weights. Δθ is read where the
     * updater left it: DL4J's updater turns the gradient into the update in place, and the step is θ ← θ − update, so
     * no copy of the parameters before the step is needed.
     */
    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        Map<String, List<INDArray>> paramsByLayer = GradientClipping.byLayer(network.model.paramTable());
        Map<String, Double> ratios = new LinkedHashMap<>();
        GradientClipping.byLayer(model.gradient().gradientForVariable()).forEach((layer, update) ->
                ratios.put(layer, norm(update) / Math.max(norm(paramsByLayer.get(layer)), 1e-12)));
        updateRatio = ratios;
    }

    /** Per-parameter L2 norms of the mean-loss gradient, plus {@code total} over all of them. */
    private Map<String, Double> norms(Map<String, INDArray> raw) {
        Map<String, Double> out = new LinkedHashMap<>();
        double sumOfSquares = 0;
        for (Map.Entry<String, String> name : network.parameterNames.entrySet()) {
            double n = raw.get(name.getKey()).norm2Number().doubleValue() / batchSize;
            out.put(name.getValue(), n);
            sumOfSquares += n * n;
        }
        out.put("total", Math.sqrt(sumOfSquares));
        return out;
    }

    private static double norm(List<INDArray> arrays) {
        double s = 0;
        for (INDArray a : arrays) s += Math.pow(a.norm2Number().doubleValue(), 2);
        return Math.sqrt(s);
    }
}
