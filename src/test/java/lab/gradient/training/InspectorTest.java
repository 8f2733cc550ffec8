package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The sentence x-ray tells the truth: its saliency is the gradient central finite differences measure on the embedded
 * words, its hidden states are DL4J's own forward pass, its step Jacobian is the one finite differences of DL4J's step
 * measure. The references are DL4J's passes in double on small models with random (untrained) weights, so every unit is
 * in play; the x-ray reads with our engine in float32, its weights rounded, so they agree to float rounding.
 */
class InspectorTest {
    /** Float32's rounding, carried through a few words' steps: 1e-4 of the value (absolute below 1). */
    static final double FLOAT_TOLERANCE = 1e-4;
    static final String TEXT = "the cat sat on the mat. a dog sat on a log. the dog saw the cat on the mat.";
    static TrainingData data;

    @BeforeAll
    static void backend() {
        NativeBackend.warmUp();
        data = TrainingData.of(Corpus.ofText(TEXT, true), settings(ModelKind.RNN));
    }

    static TrainingSettings settings(ModelKind kind) {
        TrainingSettings s = FiniteDifferenceTest.tinySettings().tunedFor(kind);
        s.window = 8;
        s.seed = 11;
        return s;
    }

    /** The inspector of a model, and the model as DL4J runs it. */
    record Subject(Inspector inspector, ComputationGraph model) {}

    /**
     * A model as the server holds one after a restart: restored for prediction, without its gradient tap. W_h scaled,
     * so the states are neither all saturated nor all near zero.
     */
    static Subject subject(ModelKind kind, double recurrentScale) {
        TrainingSettings s = settings(kind);
        Network trainedNetwork = Network.build(kind, s, data.vocabulary.size(), DataType.DOUBLE);
        INDArray r = trainedNetwork.model.getParam("rnn1_RW");
        r.muli(recurrentScale);
        TrainedModel restored = new TrainedModel(Network.forPrediction(kind, trainedNetwork.model), data.vocabulary, s, true);
        return new Subject(new Inspector(restored), trainedNetwork.model);
    }

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"RNN", "LSTM", "RNN_LEAKY"})
    void saliencyIsTheGradientFiniteDifferencesMeasureOnTheEmbeddedWords(ModelKind kind) {
        Subject subject = subject(kind, 3);
        Inspection x = subject.inspector().inspect("the dog saw the cat on", "mat");
        assertEquals(List.of("the", "dog", "saw", "the", "cat", "on"), x.words());
        assertEquals("mat", x.target());

        // −log p(mat | words) as a function of the embedded words, through DL4J's forward pass
        Network network = Network.build(kind, settings(kind), data.vocabulary.size(), DataType.DOUBLE);
        network.model.setParams(subject.model().params());
        INDArray ids = Nd4j.create(new double[] {id("the"), id("dog"), id("saw"), id("the"), id("cat"), id("on")}, new long[] {1, 6});
        INDArray embedded = network.embed(ids).dup();
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 1, data.vocabulary.size(), 6);
        labels.putScalar(new long[] {0, (long) id("mat"), 5}, 1.0);
        INDArray mask = Nd4j.zeros(DataType.DOUBLE, 1, 6);
        mask.putScalar(new long[] {0, 5}, 1.0);
        double h = 1e-6;
        for (int t = 0; t < 6; t++) {
            double squares = 0;
            for (int e = 0; e < embedded.size(1); e++) {
                double v = embedded.getDouble(0, e, t);
                embedded.putScalar(new long[] {0, e, t}, v + h);
                double up = network.recurrentScore(embedded, labels, mask);
                embedded.putScalar(new long[] {0, e, t}, v - h);
                double down = network.recurrentScore(embedded, labels, mask);
                embedded.putScalar(new long[] {0, e, t}, v);
                squares += Math.pow((up - down) / (2 * h), 2);
            }
            double expected = Math.sqrt(squares);
            assertEquals(expected, x.saliency()[t], FLOAT_TOLERANCE * Math.max(1, expected), kind + " word " + t);
        }
        assertTrue(x.saliency()[0] > 0, "the first word reaches the prediction at all");
    }

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"RNN", "RNN_RELU", "RNN_LEAKY", "LSTM"})
    void hiddenStatesAreDl4jsOwnForwardPass(ModelKind kind) {
        Subject subject = subject(kind, 2);
        Inspection x = subject.inspector().inspect("the dog saw the cat on the", null);
        ComputationGraph model = subject.model();
        INDArray ids = Nd4j.create(x.words().stream().mapToDouble(InspectorTest::id).toArray(), new long[] {1, x.words().size()});
        Map<String, INDArray> activations = model.feedForward(new INDArray[] {ids}, false);
        INDArray rnn1 = activations.get("rnn1"); // [1, units, words]
        assertEquals(rnn1.size(1), x.hidden().length);
        for (int i = 0; i < x.hidden().length; i++) {
            for (int t = 0; t < x.words().size(); t++) assertEquals(rnn1.getDouble(0, i, t), x.hidden()[i][t], FLOAT_TOLERANCE, kind + " unit " + i + " word " + t);
        }
        if (kind.isLstm()) {
            assertEquals("cell", x.factorsOf());
            // the cell's factor is the forget gate's largest value; the running product multiplies the gates after t
            for (int t = 0; t < x.words().size(); t++) {
                double largest = 0;
                for (double[] unit : x.gates().forget()) largest = Math.max(largest, unit[t]);
                assertEquals(largest, x.factors()[t], 1e-15);
                for (double[][] gate : List.of(x.gates().forget(), x.gates().input(), x.gates().output())) {
                    for (double[] unit : gate) assertTrue(unit[t] > 0 && unit[t] < 1);
                }
            }
        } else {
            assertEquals("hidden", x.factorsOf());
            assertNull(x.gates());
        }
        assertEquals(1.0, x.product()[x.words().size() - 1]);
    }

    /** The tanh RNN's factor at each step is σ_max of ∂h_t/∂h_{t−1}, which finite differences of DL4J's step measure. */
    @Test
    void theTanhRnnsStepJacobianIsTheOneFiniteDifferencesOfDl4jsStepMeasure() {
        Subject subject = subject(ModelKind.RNN, 3);
        Inspection x = subject.inspector().inspect("the dog saw the cat on the", null);
        ComputationGraph model = subject.model();
        int n = x.hidden().length, words = x.words().size();
        double h = 1e-6;
        double[][][] jacobians = new double[words][][];
        for (int t = 1; t < words; t++) {
            double[][] jacobian = new double[n][n];
            jacobians[t] = jacobian;
            INDArray previous = Nd4j.create(column(x.hidden(), t - 1), new long[] {1, n});
            INDArray word = Nd4j.create(new double[] {id(x.words().get(t))}, new long[] {1, 1});
            for (int k = 0; k < n; k++) {
                double[] up = step(model, previous, k, h, word), down = step(model, previous, k, -h, word);
                for (int i = 0; i < n; i++) jacobian[i][k] = (up[i] - down[i]) / (2 * h);
            }
            assertEquals(Inspector.largestSingularValue(jacobian), x.factors()[t], FLOAT_TOLERANCE, "step " + t);
        }
        // the running product is σ_max of J_T ⋯ J_{t+1}, those same finite-difference Jacobians multiplied out
        double[][] product = null;
        for (int t = words - 2; t >= 0; t--) {
            product = product == null ? jacobians[words - 1] : multiply(product, jacobians[t + 1]);
            double expected = Inspector.largestSingularValue(product);
            assertEquals(expected, x.product()[t], FLOAT_TOLERANCE * expected, "word " + t);
        }
        // and the product is the matrix product's size, not the product of the sizes: never larger than the latter
        for (int t = x.words().size() - 2; t >= 0; t--) {
            double bound = 1;
            for (int k = t + 1; k < x.words().size(); k++) bound *= x.factors()[k];
            assertTrue(x.product()[t] <= bound * (1 + 1e-6), "word " + t);
        }
    }

    @Test
    void aTargetTheModelDoesNotKnowIsRefusedByName() {
        SettingsException e = assertThrows(SettingsException.class, () -> subject(ModelKind.RNN, 1).inspector().inspect("the dog", "zebra"));
        assertEquals("target", e.field());
    }

    @Test
    void theLargestSingularValueIsExactOnAKnownMatrix() {
        // [[3, 0], [4, 5]]: singular values √45 and √5
        assertEquals(Math.sqrt(45), Inspector.largestSingularValue(new double[][] {{3, 0}, {4, 5}}), 1e-9);
    }

    /** h_t by DL4J's own step from h_{t−1} with unit k moved by δ. */
    static double[] step(ComputationGraph model, INDArray previous, int k, double delta, INDArray word) {
        INDArray moved = previous.dup();
        moved.putScalar(0, k, previous.getDouble(0, k) + delta);
        model.rnnClearPreviousState();
        model.rnnSetPreviousState("rnn1", Map.of(stateKey(model), moved));
        model.rnnTimeStep(word);
        return model.rnnGetPreviousState("rnn1").get(stateKey(model)).toDoubleVector();
    }

    static String stateKey(ComputationGraph model) {
        return org.deeplearning4j.nn.layers.recurrent.SimpleRnn.STATE_KEY_PREV_ACTIVATION;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) for (int j = 0; j < b[0].length; j++) out[i][j] += a[i][k] * b[k][j];
        }
        return out;
    }

    static double[] column(double[][] unitsByWords, int t) {
        double[] c = new double[unitsByWords.length];
        for (int i = 0; i < c.length; i++) c[i] = unitsByWords[i][t];
        return c;
    }

    static double id(String word) {
        return data.vocabulary.id(word);
    }
}
