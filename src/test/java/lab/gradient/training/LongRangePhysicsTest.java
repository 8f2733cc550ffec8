package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Engine-level physics on the {@code long-range} preset at d = 20 with its default settings and a fixed seed: clipping
 * holds every step, the unclipped run explodes, the identity start keeps the gradient alive. The notes' vanishing
 * claim (tanh RNN vs LSTM) is the vanishing lesson's, checked at the lesson's own settings by {@code LessonsTest} and
 * over five seeds by {@code LessonsSuite}: at d = 20 with DL4J's default forget bias the LSTM's result depends on the
 * trajectory (0.38 on seed 42 in one run of this build, 0.99–1.0 in an earlier session's), which is why the lesson
 * moved to d = 30 with an open forget gate.
 */
class LongRangePhysicsTest {
    static final int D = 20;
    static final long SEED = 42;
    static final ExecutorService pool = Executors.newFixedThreadPool(2);
    static Corpus corpus;
    static Future<TrainingResult> rnn, irnn;
    static Future<List<TrainingObserver.IterationMetrics>> explodingUnclipped, explodingClipped;

    @BeforeAll
    static void trainEverything() {
        NativeBackend.warmUp();
        corpus = Presets.load("long-range", D, SEED);
        rnn = pool.submit(() -> train(ModelKind.RNN));
        irnn = pool.submit(() -> train(ModelKind.IRNN));
        explodingUnclipped = pool.submit(() -> explode(TrainingSettings.ClipMode.NONE));
        explodingClipped = pool.submit(() -> explode(TrainingSettings.ClipMode.NORM));
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    static TrainingResult train(ModelKind kind) {
        TrainingSettings s = TrainingSettings.forLongRange(kind, D);
        s.seed = SEED;
        return new Trainer(corpus, kind, s).train(TrainingObserver.NONE, () -> false);
    }

    /** Notes, problem 2: a large W_h and a large step. ρ(W_h) ≈ 1.5 at the start, plain SGD at 0.5. */
    static List<TrainingObserver.IterationMetrics> explode(TrainingSettings.ClipMode clip) {
        TrainingSettings s = TrainingSettings.forLongRange(ModelKind.RNN_RELU, D);
        s.seed = SEED;
        s.init = TrainingSettings.Init.NORMAL;
        s.initScale = 1.5;
        s.optimizer = TrainingSettings.Optimizer.SGD;
        s.learningRate = 0.5;
        s.maxIterations = 300;
        s.probeEvery = 1000;
        s.clip = clip;
        s.clipThreshold = 1.0;
        List<TrainingObserver.IterationMetrics> seen = new ArrayList<>();
        new Trainer(corpus, ModelKind.RNN_RELU, s).train(new TrainingObserver() {
            @Override public void onIteration(IterationMetrics m) { seen.add(m); }
        }, () -> false);
        return seen;
    }

    @Test
    void exploding_withoutClippingTheGradientBlowsUpOrDiverges() throws Exception {
        List<TrainingObserver.IterationMetrics> run = explodingUnclipped.get();
        double start = run.get(0).gradNorm().get("total");
        double max = run.stream().mapToDouble(m -> m.gradNorm().get("total")).filter(Double::isFinite).max().orElse(0);
        TrainingObserver.IterationMetrics last = run.get(run.size() - 1);
        boolean diverged = !Double.isFinite(last.loss()) || !Double.isFinite(last.gradNorm().get("total"));
        assertTrue(diverged || max >= 100 * start, "start " + start + ", max " + max + ", diverged " + diverged);
    }

    @Test
    void exploding_normClippingAtOneHoldsTheStepAndTheLossStaysFinite() throws Exception {
        List<TrainingObserver.IterationMetrics> run = explodingClipped.get();
        assertEquals(300, run.size(), "no divergence: every iteration ran");
        boolean clippedSomething = false;
        for (TrainingObserver.IterationMetrics m : run) {
            // float32 parameters: the rescaled gradient's norm, summed over ~10^4 values, is τ to within ~1e-6 relative
            // (with one native thread per op the sums run in another order than with two: 1 + 1.04e-6 was seen)
            assertTrue(m.gradNormClipped().get("total") <= 1.0 + 1e-5, "iteration " + m.iteration() + ": " + m.gradNormClipped());
            assertTrue(Double.isFinite(m.loss()), "iteration " + m.iteration());
            clippedSomething |= m.gradNorm().get("total") > 1.0;
        }
        assertTrue(clippedSomething, "the unclipped gradient did exceed the threshold");
    }

    @Test
    void identityInit_theIrnnKeepsTheGradientAliveTenTimesBetterThanTheTanhRnn() throws Exception {
        TrainingResult.Summary r = rnn.get().summary(), i = irnn.get().summary();
        assertNotEquals(TrainingResult.Status.DIVERGED, irnn.get().status());
        assertTrue(i.gradientFlowRatio() >= 10 * r.gradientFlowRatio(),
                "g(20)/g(0): rnn " + r.gradientFlowRatio() + ", irnn " + i.gradientFlowRatio());
    }

    static void print(String name, TrainingResult.Summary s) {
        System.out.printf(java.util.Locale.ROOT, "%s: long-range %.3f, g(20)/g(0) %.3e, max |grad| %.3e, %.1f s%n",
                name, s.longRangeAccuracy(), s.gradientFlowRatio(), s.maxGradNorm(), s.seconds());
    }

    @AfterAll
    static void report() throws Exception {
        for (Map.Entry<String, Future<TrainingResult>> e : Map.of("rnn", rnn, "irnn", irnn).entrySet()) {
            if (e.getValue().isDone()) print(e.getKey(), e.getValue().get().summary());
        }
    }
}
