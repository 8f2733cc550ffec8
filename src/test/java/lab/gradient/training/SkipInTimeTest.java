package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The skip in time reorders steps and nothing else, and a model that has it saves and restores. */
class SkipInTimeTest {

    @BeforeAll
    static void backend() {
        NativeBackend.warmUp();
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 7, 3", "2, 3, 10, 5", "3, 2, 9, 4", "2, 1, 4, 4"})
    void foldPutsEverySthStepInOneRowAndUnfoldUndoesIt(int batch, int features, int steps, int every) {
        INDArray x = Nd4j.rand(DataType.DOUBLE, batch, features, steps);
        INDArray folded = SkipInTime.fold(x, every);
        long rowSteps = (steps + every - 1) / every;
        assertEquals(every * batch, folded.size(0));
        assertEquals(rowSteps, folded.size(2));
        for (int r = 0; r < every; r++) {
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < rowSteps; j++) {
                    int t = j * every + r;
                    for (int f = 0; f < features; f++) {
                        double expected = t < steps ? x.getDouble(b, f, t) : 0;
                        assertEquals(expected, folded.getDouble(r * batch + b, f, j), "row of residue " + r + ", step " + t);
                    }
                }
            }
        }
        assertEquals(x, SkipInTime.unfold(folded, every, steps));
    }

    @Test
    void theTopLayerOfRnnSkipReadsTheStateSStepsBack() {
        TrainingSettings s = new TrainingSettings().tunedFor(ModelKind.RNN_SKIP);
        s.hidden = 3;
        s.embedding = 2;
        s.skip = 4;
        Network network = Network.build(ModelKind.RNN_SKIP, s, 5, DataType.DOUBLE);
        // the top layer's recurrent weights reach step t only through h_{t−4}: steps 0 … 3 have none
        INDArray words = Nd4j.create(new double[][] {{1, 2, 3, 4, 0, 1, 2, 3, 4, 0}});
        INDArray before = network.output(words, null, null).dup();
        network.model.getParam("rnn2_RW").addi(0.5);
        INDArray after = network.output(words, null, null);
        for (int t = 0; t < 10; t++) {
            double change = after.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                    .sub(before.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))).norm2Number().doubleValue();
            if (t < 4) assertEquals(0, change, 1e-12, "step " + t + " has no state 4 steps back in the top layer");
            else assertTrue(change > 1e-9, "step " + t + " reads the top layer's state from step " + (t - 4));
        }
    }

    @Test
    void aTrainedRnnSkipSavesAndRestoresWithItsSkip() throws Exception {
        TrainingSettings s = new TrainingSettings().tunedFor(ModelKind.RNN_SKIP);
        s.hidden = 4;
        s.embedding = 3;
        s.skip = 3;
        Network network = Network.build(ModelKind.RNN_SKIP, s, 6, DataType.FLOAT);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network.model, bytes, false);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), false);
        INDArray words = Nd4j.create(new float[][] {{1, 2, 3, 4, 5, 0, 1}});
        assertEquals(network.output(words, null, null), Network.forPrediction(ModelKind.RNN_SKIP, restored).output(words, null, null));
    }
}
