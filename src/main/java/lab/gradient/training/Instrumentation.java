package lab.gradient.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.training.TrainingSettings.ClipMode;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
    private INDArray paramsBefore;

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
        if (paramsBefore == null) paramsBefore = model.params().dup();
        else paramsBefore.assign(model.params());
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        INDArray update = model.params().sub(paramsBefore);
        Map<String, List<INDArray>> updateByLayer = GradientClipping.byLayer(viewsLike(update));
        Map<String, List<INDArray>> paramsByLayer = GradientClipping.byLayer(network.model.paramTable());
        updateByLayer.forEach((layer, updates) -> ratios.put(layerName(layer),
                norm(updates) / Math.max(norm(paramsByLayer.get(layer)), 1e-12)));
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

    /** Slices a flat vector laid out like the model's parameters into the same keys. */
    private Map<String, INDArray> viewsLike(INDArray flat) {
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, INDArray> e : network.model.paramTable().entrySet()) {
            long n = e.getValue().length();
            views.put(e.getKey(), flat.get(NDArrayIndex.interval(offset, offset + n)));
            offset += n;
        }
        return views;
    }

    private static double norm(List<INDArray> arrays) {
        double s = 0;
        for (INDArray a : arrays) s += Math.pow(a.norm2Number().doubleValue(), 2);
        return Math.sqrt(s);
    }

    private String layerName(String layerIndex) {
        int i = Integer.parseInt(layerIndex);
        if (i == 0) return "embed";
        return i == network.model.getnLayers() - 1 ? "out" : "rnn" + i;
    }
}
