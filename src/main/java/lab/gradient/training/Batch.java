package lab.gradient.training;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Windows as DL4J arrays: word ids [batch, T], one-hot labels [batch, V, T], and masks [batch, T]: the features mask
 * covers every real step, the labels mask only the steps whose loss counts (a window's context steps do not).
 */
record Batch(INDArray features, INDArray featuresMask, INDArray labels, INDArray labelsMask, int steps) {

    static Batch of(List<TrainingData.Window> windows, int vocabularySize, DataType dataType) {
        return build(windows, vocabularySize, dataType, false);
    }

    /** The probe's batch: only the last step's loss counts, so its gradient flows back from step T alone. */
    static Batch lastStepOnly(List<TrainingData.Window> windows, int vocabularySize, DataType dataType) {
        return build(windows, vocabularySize, dataType, true);
    }

    private static Batch build(List<TrainingData.Window> windows, int vocabularySize, DataType dataType, boolean lastStepOnly) {
        int n = windows.size();
        int t = windows.stream().mapToInt(TrainingData.Window::length).max().orElse(1);
        float[] ids = new float[n * t];
        float[] fMask = new float[n * t];
        float[] lMask = new float[n * t];
        INDArray labels = Nd4j.zeros(dataType, n, vocabularySize, t);
        int steps = 0;
        for (int b = 0; b < n; b++) {
            TrainingData.Window w = windows.get(b);
            for (int s = 0; s < w.length(); s++) {
                ids[b * t + s] = w.inputs()[s];
                fMask[b * t + s] = 1;
                if (lastStepOnly ? s == w.length() - 1 : s >= w.firstScored()) {
                    lMask[b * t + s] = 1;
                    labels.putScalar(new long[] {b, w.labels()[s], s}, 1.0);
                    steps++;
                }
            }
        }
        return new Batch(Nd4j.create(ids, new long[] {n, t}, 'c').castTo(dataType),
                Nd4j.create(fMask, new long[] {n, t}, 'c').castTo(dataType), labels,
                Nd4j.create(lMask, new long[] {n, t}, 'c').castTo(dataType), steps);
    }

    int size() {
        return (int) features.size(0);
    }
}
