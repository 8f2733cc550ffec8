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
 * The lecture notes' claims, measured on the {@code long-range} preset at d = 20 with its default settings, a fixed
 * seed and a fixed number of iterations. All runs start together on two threads (about two minutes on 2 cores).
 */
class LongRangePhysicsTest {
    static final int D = 20;
    static final long SEED = 42;
    static final ExecutorService pool = Executors.newFixedThreadPool(2);
    static Corpus corpus;
    static Future<TrainingResult> lstm, rnn, irnn;
    static Future<List<TrainingObserver.IterationMetrics>> explodingUnclipped, explodingClipped;

    @BeforeAll
    static void trainEverything() {
        NativeBackend.warmUp();
        corpus = Presets.load("long-range", D, SEED);
        // the slowest first, so the two threads finish together
        lstm = pool.submit(() -> train(ModelKind.LSTM));
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

    /**
     * After training, the LSTM's cell state carries at least as much gradient to the key as the last word gets
     * (g(20)/g(0) ≥ 1), and at least 3× what the tanh RNN carries. The factor is a trajectory's, not a constant: with
     * this seed the runs' last probes gave 5.5× (and 14× and 126× with seeds 1 and 2); a change in rounding alone (one
     * BLAS thread instead of two) moved this seed's RNN from 0.016 to 0.57, so a tighter bound would test luck.
     */
    @Test
    void vanishing_theLstmCarriesTheGradientToTheKeyAndTheTanhRnnCarriesAThirdOfThatOrLess() throws Exception {
        TrainingResult.Summary r = rnn.get().summary(), l = lstm.get().summary();
        assertEquals(D, r.flowDistance());
        assertTrue(l.gradientFlowRatio() >= 1, "g(20)/g(0): lstm " + l.gradientFlowRatio());
        assertTrue(r.gradientFlowRatio() * 3 <= l.gradientFlowRatio(),
                "g(20)/g(0): rnn " + r.gradientFlowRatio() + ", lstm " + l.gradientFlowRatio());
    }

    @Test
    void longTermDependency_theLstmRecallsTheKeyAndTheRnnDoesNot() throws Exception {
        TrainingResult.Summary r = rnn.get().summary(), l = lstm.get().summary();
        assertEquals(1500, l.iterations());
        assertTrue(l.longRangeAccuracy() >= r.longRangeAccuracy() + 0.3,
                "long-range accuracy: rnn " + r.longRangeAccuracy() + ", lstm " + l.longRangeAccuracy());
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
            assertTrue(m.gradNormClipped().get("total") <= 1.0 + 1e-6, "iteration " + m.iteration() + ": " + m.gradNormClipped());
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
        for (Map.Entry<String, Future<TrainingResult>> e : Map.of("rnn", rnn, "lstm", lstm, "irnn", irnn).entrySet()) {
            if (e.getValue().isDone()) print(e.getKey(), e.getValue().get().summary());
        }
    }
}
