package lab.gradient.training;

import java.util.List;
import lab.gradient.training.engine.RecurrentEngine;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Validation loss, perplexity, top-1/top-5 next-word accuracy, and top-1 on the long-range answers alone. */
public final class Evaluator {
    /** {@code longRangeAccuracy} is NaN when the data has no long-range answers. */
    public record Result(double loss, double perplexity, double top1, double top5, double longRangeAccuracy, int positions) {}

    private static final int BATCH = 64;

    private Evaluator() {}

    /** What the windows' scored steps add up to: Σ −log p(right word), how many, how many right in the top 1 and top 5. */
    private static final class Tally {
        double lossSum;
        long positions, top1, top5, longRange, longRangeRight;

        /** One scored step whose right word had probability {@code right} and {@code higher} words (≤ 5 counted) above it. */
        void add(float right, int higher, boolean isLongRange) {
            lossSum -= Math.log(Math.max(right, 1e-12));
            positions++;
            if (higher == 0) top1++;
            if (higher < 5) top5++;
            if (isLongRange) {
                longRange++;
                if (higher == 0) longRangeRight++;
            }
        }

        Result result() {
            if (positions == 0) return new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
            double loss = lossSum / positions;
            return new Result(loss, Math.exp(loss), (double) top1 / positions, (double) top5 / positions,
                    longRange == 0 ? Double.NaN : (double) longRangeRight / longRange, (int) positions);
        }
    }

    /** On our engine's forward pass where it trains the model, else on DL4J's. */
    public static Result evaluate(Network network, List<TrainingData.Window> windows, int vocabularySize) {
        return network.engine != null ? evaluate(network.engine, windows) : evaluateWithDl4j(network, windows, vocabularySize);
    }

    private static Result evaluate(EngineBinding binding, List<TrainingData.Window> windows) {
        RecurrentEngine engine = binding.engine;
        binding.pullParameters();
        Tally tally = new Tally();
        for (int from = 0; from < windows.size(); from += engine.maxBatch()) {
            List<TrainingData.Window> part = windows.subList(from, Math.min(windows.size(), from + engine.maxBatch()));
            binding.load(part, false);
            engine.forward();
            for (int b = 0; b < part.size(); b++) {
                TrainingData.Window w = part.get(b);
                for (int s = w.firstScored(); s < w.length(); s++) {
                    int row = s * part.size() + b;
                    float right = engine.probability(row, w.labels()[s]);
                    // a NaN probability (a diverged model) is never a right answer: "nothing is higher than NaN" would count it
                    int higher = Float.isNaN(right) ? 5 : 0;
                    for (int v = 0; v < engine.vocabulary && higher < 5; v++) if (engine.probability(row, v) > right) higher++;
                    tally.add(right, higher, w.longRange()[s]);
                }
            }
        }
        return tally.result();
    }

    static Result evaluateWithDl4j(Network network, List<TrainingData.Window> windows, int vocabularySize) {
        Tally tally = new Tally();
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
                    tally.add(right, higher, w.longRange()[s]);
                }
            }
        }
        return tally.result();
    }
}
