package lab.gradient.training;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Validation loss, perplexity, top-1/top-5 next-word accuracy, and top-1 on the long-range answers alone. */
public final class Evaluator {
    /** {@code longRangeAccuracy} is NaN when the data has no long-range answers. */
    public record Result(double loss, double perplexity, double top1, double top5, double longRangeAccuracy, int positions) {}

    private static final int BATCH = 64;

    private Evaluator() {}

    public static Result evaluate(Network network, List<TrainingData.Window> windows, int vocabularySize) {
        double lossSum = 0;
        long positions = 0, top1 = 0, top5 = 0, longRange = 0, longRangeRight = 0;
        for (int from = 0; from < windows.size(); from += BATCH) {
            List<TrainingData.Window> part = windows.subList(from, Math.min(windows.size(), from + BATCH));
            Batch batch = Batch.of(part, vocabularySize, network.model.params().dataType());
            INDArray out = network.output(batch.features(), batch.featuresMask(), batch.labelsMask());
            int t = (int) out.size(2);
            float[] p = out.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
            for (int b = 0; b < part.size(); b++) {
                TrainingData.Window w = part.get(b);
                for (int s = w.firstScored(); s < w.length(); s++) {
                    int base = b * vocabularySize * t + s;
                    float right = p[base + w.labels()[s] * t];
                    // a NaN probability (a diverged model) is never a right answer: "nothing is higher than NaN" would count it
                    int higher = Float.isNaN(right) ? 5 : 0;
                    for (int v = 0; v < vocabularySize && higher < 5; v++) if (p[base + v * t] > right) higher++;
                    lossSum -= Math.log(Math.max(right, 1e-12));
                    positions++;
                    if (higher == 0) top1++;
                    if (higher < 5) top5++;
                    if (w.longRange()[s]) {
                        longRange++;
                        if (higher == 0) longRangeRight++;
                    }
                }
            }
        }
        if (positions == 0) return new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        double loss = lossSum / positions;
        return new Result(loss, Math.exp(loss), (double) top1 / positions, (double) top5 / positions,
                longRange == 0 ? Double.NaN : (double) longRangeRight / longRange, (int) positions);
    }
}
