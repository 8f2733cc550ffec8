package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The probe's g(k) equals what the notes' formula gives, computed by an independent plain-Java RNN
 * ({@link PlainTanhRnn}) on the very same weights: once as the explicit product of factors ∂o_t/∂o_{t−1}, once by
 * backpropagation through time. The weights are a trained model's, not just the initial ones.
 */
class PlainTanhRnnOracleTest {
    static final int D = 8;
    static Network network;
    static List<TrainingData.Window> windows;
    static int vocabularySize;

    @BeforeAll
    static void trainALittle() {
        NativeBackend.warmUp();
        TrainingSettings s = TrainingSettings.forLongRange(ModelKind.RNN, D);
        s.hidden = 6;
        s.embedding = 4;
        s.initScale = 1.2;
        s.init = TrainingSettings.Init.NORMAL;
        Corpus corpus = Presets.longRange(D, 200, 5);
        TrainingData data = TrainingData.of(corpus, s);
        vocabularySize = data.vocabulary.size();
        network = Network.build(ModelKind.RNN, s, vocabularySize, DataType.DOUBLE);
        for (int i = 0; i < 30; i++) network.fit(Batch.of(data.train.subList(i * 4, i * 4 + 4), vocabularySize, DataType.DOUBLE));
        windows = data.probe;
    }

    static double[][] matrix(String key) {
        return network.model.getParam(key).toDoubleMatrix();
    }

    @Test
    void theProbesGradientFlowIsTheNotesProductOfFactors() {
        PlainTanhRnn oracle = PlainTanhRnn.fromDl4j(matrix("rnn1_W"), matrix("rnn1_RW"),
                network.model.getParam("rnn1_b").toDoubleVector(), matrix("out_W"), network.model.getParam("out_b").toDoubleVector());
        double[] probed = new GradientFlowProbe(network, windows, vocabularySize).measure();

        Batch batch = Batch.lastStepOnly(windows, vocabularySize, DataType.DOUBLE);
        INDArray embedded = network.embed(batch.features());
        int steps = (int) embedded.size(2);
        double[][] perWindow = new double[steps][windows.size()];
        for (int w = 0; w < windows.size(); w++) {
            double[][] x = embedded.get(NDArrayIndex.point(w), NDArrayIndex.all(), NDArrayIndex.all()).transpose().toDoubleMatrix();
            int answer = windows.get(w).labels()[steps - 1];
            double[] byProduct = oracle.gradientFlowByProduct(x, answer);
            double[] byBackprop = oracle.gradientFlowByBackprop(x, answer);
            for (int k = 0; k < steps; k++) {
                assertEquals(byProduct[k], byBackprop[k], 1e-12 + 1e-9 * byProduct[k], "window " + w + ", k " + k);
                perWindow[k][w] = byProduct[k];
            }
        }
        assertEquals(steps, probed.length);
        for (int k = 0; k < steps; k++) {
            double[] sorted = perWindow[k].clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            assertTrue(median > 0, "g(" + k + ") > 0");
            assertEquals(median, probed[k], 1e-9 * median, "g(" + k + ")");
        }
    }
}
