package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The native ND4J backend loads, runs its matrix products on one thread, and a tiny LSTM takes one real training step. */
class NativeBackendTest {

    /** OpenBLAS's own answer, not ND4J's: ND4J's environment accepted a thread count it never passed on. */
    @Test
    void matrixProductsRunOnOneThreadPerWorker() {
        NativeBackend.warmUp();
        assertEquals(1, org.bytedeco.openblas.global.openblas.blas_get_num_threads());
    }

    @Test
    void tinyLstmTrainsOneStep() {
        NativeBackend.warmUp();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7)
                .updater(new Adam(0.01))
                .list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(4).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray features = Nd4j.rand(new int[] {2, 3, 5});
        INDArray labels = Nd4j.zeros(2, 3, 5);
        labels.slice(0, 1).putScalar(0, 1.0);
        labels.slice(1, 1).putScalar(2, 1.0);
        INDArray before = net.params().dup();
        net.fit(features, labels);
        assertNotEquals(before, net.params(), "one step changed the parameters");
        assertTrue(Double.isFinite(net.score()), "the loss is finite");
    }
}
