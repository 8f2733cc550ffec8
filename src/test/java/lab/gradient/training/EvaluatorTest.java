package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** A diverged model's NaN predictions are never counted as right answers. */
class EvaluatorTest {

    @Test
    void nanPredictionsAreNeverRight() {
        NativeBackend.warmUp();
        TrainingSettings s = new TrainingSettings();
        s.hidden = 8;
        s.embedding = 4;
        s.window = 10;
        TrainingData data = TrainingData.of(Presets.load("long-range", 10, 1), s);
        Network network = Network.build(ModelKind.RNN, s, data.vocabulary.size(), DataType.FLOAT);
        network.model.params().assign(Float.NaN);
        Evaluator.Result result = Evaluator.evaluate(network, data.train, data.vocabulary.size());
        assertTrue(result.positions() > 0);
        assertEquals(0.0, result.top1());
        assertEquals(0.0, result.top5());
        assertEquals(0.0, result.longRangeAccuracy());
        assertTrue(Double.isNaN(result.loss()));
    }
}
