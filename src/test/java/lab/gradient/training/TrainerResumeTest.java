package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run resumed from a checkpoint takes the same steps as one never stopped: every later loss and the final summary
 * agree (same windows in the same order, the parameters and Adam's moments and step count put back).
 */
class TrainerResumeTest {
    static Corpus seedExamples;

    @BeforeAll
    static void load() {
        NativeBackend.warmUp();
        seedExamples = Presets.load("seed-examples", 0, 1);
        // the JVM's first checkpoint pays for loading its classes, and the next waits 20× what it took: a short run
        // first, so the runs below are spaced by what a checkpoint costs in a running server
        TrainingSettings warmUp = settings();
        warmUp.maxIterations = 50;
        new Trainer(seedExamples, ModelKind.RNN, warmUp).train(TrainingObserver.NONE, () -> false, Double.POSITIVE_INFINITY, new Kept(null));
    }

    static TrainingSettings settings() {
        TrainingSettings s = new TrainingSettings();
        s.hidden = 16;
        s.embedding = 8;
        s.window = 12;
        s.batch = 4;
        s.epochs = 100;
        // long enough that checkpoints, spaced by at least 20× what one costs, fall after the first epoch even at our
        // engine's speed (at 90 iterations it was done before a second checkpoint was due)
        s.maxIterations = 2000;
        s.probeEvery = 10;
        return s;
    }

    /** Checkpoints kept in memory, every step; {@code resumeFrom} is the one handed back as the latest. */
    static final class Kept implements Checkpoint.Store {
        final Map<Integer, Checkpoint> saved = new LinkedHashMap<>();
        final Checkpoint resumeFrom;

        Kept(Checkpoint resumeFrom) {
            this.resumeFrom = resumeFrom;
        }

        @Override
        public Checkpoint latest() {
            return resumeFrom;
        }

        @Override
        public void save(Checkpoint checkpoint) {
            saved.put(checkpoint.iteration(), checkpoint);
        }

        @Override
        public double intervalSeconds() {
            return 0;
        }
    }

    static final class Losses implements TrainingObserver {
        final List<double[]> rows = new ArrayList<>();

        @Override
        public void onIteration(IterationMetrics m) {
            rows.add(new double[] {m.iteration(), m.loss(), m.gradNorm().get("total")});
        }
    }

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"RNN", "LSTM"})
    void aResumedRunTakesTheSameStepsAsOneNeverStopped(ModelKind kind) {
        Kept everyStep = new Kept(null);
        Losses whole = new Losses();
        TrainingResult uninterrupted = new Trainer(seedExamples, kind, settings()).train(whole, () -> false, Double.POSITIVE_INFINITY, everyStep);
        // how many are taken depends on how long saving them takes (at most 1/20 of training), so on the machine's
        // load; what the test needs is one in a later epoch, mid-epoch, to resume from
        Checkpoint from = everyStep.saved.values().stream().filter(c -> c.epoch() >= 1 && c.position() > 0).findFirst()
                .orElseThrow(() -> new AssertionError("no checkpoint after the first epoch among " + everyStep.saved.keySet()));

        Losses rest = new Losses();
        TrainingResult resumed = new Trainer(seedExamples, kind, settings()).train(rest, () -> false, Double.POSITIVE_INFINITY, new Kept(from));
        assertEquals(from.iteration() + 1, (int) rest.rows.get(0)[0], "it goes on with the next step");
        assertEquals(whole.rows.size() - from.iteration(), rest.rows.size());
        for (double[] row : rest.rows) {
            double[] same = whole.rows.get((int) row[0] - 1);
            assertEquals(same[1], row[1], 1e-6 * Math.abs(same[1]), "loss at step " + (int) row[0]);
            assertEquals(same[2], row[2], 1e-5 * Math.abs(same[2]), "gradient norm at step " + (int) row[0]);
        }
        TrainingResult.Summary a = uninterrupted.summary(), b = resumed.summary();
        assertEquals(a.iterations(), b.iterations());
        assertEquals(a.trainLoss(), b.trainLoss(), 1e-6 * Math.abs(a.trainLoss()));
        assertEquals(a.valLoss(), b.valLoss(), 1e-6 * Math.abs(a.valLoss()));
        assertEquals(a.maxGradNorm(), b.maxGradNorm(), 1e-5 * a.maxGradNorm());
        assertEquals(a.explodingEvents(), b.explodingEvents());
        assertEquals(a.initialFlowRatio(), b.initialFlowRatio(), 1e-9, "the iteration-0 probe comes from the checkpoint's summary");
        assertEquals(a.gradientFlowRatio(), b.gradientFlowRatio(), 1e-5 * Math.abs(a.gradientFlowRatio()));
        assertTrue(b.seconds() >= from.seconds(), "the seconds count on");
    }
}
