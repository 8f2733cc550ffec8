package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import lab.gradient.training.engine.Kernels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The vanishing lesson's two arms (key 30 words back, hidden 64, batch 32, 1,000 Adam steps, probes every 50), trained
 * by the Trainer with our engine and with DL4J alone, back to back in one JVM on one core: the seconds, their
 * medians and the ratio, one JSON line each; then what the run's gradient check against DL4J costs, as a share of the arm. scripts/bench_engine runs it beside PyTorch (docs/benchmarks.md).
 * {@code mvn test -Dgroups=benchmark -Dexcluded.groups= -Dtest=EngineBenchmark [-Dengine.rounds=3] [-Dengine.dl4jRounds=1] [-Dengine.models=lstm]}
 */
@Tag("benchmark")
class EngineBenchmark {
    static final int DISTANCE = 30;

    static TrainingSettings lessonArm(ModelKind kind) {
        TrainingSettings s = TrainingSettings.forLongRange(kind, DISTANCE);
        s.maxIterations = 1000;
        s.learningRate = 0.01;
        s.batch = 32;
        s.probeEvery = 50;
        s.validationFraction = 0.1;
        s.seed = 42;
        return s;
    }

    @Test
    void vanishingLessonArms() {
        NativeBackend.warmUp();
        int rounds = Integer.getInteger("engine.rounds", 3), dl4jRounds = Integer.getInteger("engine.dl4jRounds", rounds);
        Corpus corpus = Presets.load("long-range", DISTANCE, 42);
        for (ModelKind kind : System.getProperty("engine.models", "rnn,lstm").lines().flatMap(l -> Arrays.stream(l.split(",")))
                .map(ModelKind::of).toList()) {
            double[] engine = new double[rounds], dl4j = new double[Math.min(rounds, dl4jRounds)];
            double engineAccuracy = 0, dl4jAccuracy = 0;
            for (int round = 0; round < rounds; round++) {
                TrainingResult ours = new Trainer(corpus, kind, lessonArm(kind)).train(TrainingObserver.NONE, () -> false);
                engine[round] = ours.summary().seconds();
                engineAccuracy = ours.summary().longRangeAccuracy();
                if (round >= dl4j.length) continue;
                TrainingResult theirs = new Trainer(corpus, kind, lessonArm(kind)).onDl4jAlone().train(TrainingObserver.NONE, () -> false);
                dl4j[round] = theirs.summary().seconds();
                dl4jAccuracy = theirs.summary().longRangeAccuracy();
            }
            System.out.printf("{\"benchmark\": \"vanishing-lesson-arm\", \"model\": \"%s\", \"kernels\": \"%s\", \"engineSeconds\": %s, "
                            + "\"dl4jSeconds\": %s, \"engineMedian\": %.2f, \"dl4jMedian\": %.2f, \"speedup\": %.2f, "
                            + "\"engineLongRangeAccuracy\": %.3f, \"dl4jLongRangeAccuracy\": %.3f}%n",
                    kind.id, Kernels.FAST.name(), Arrays.toString(engine), Arrays.toString(dl4j), median(engine), median(dl4j),
                    median(dl4j) / median(engine), engineAccuracy, dl4jAccuracy);
            double check = gradientCheckSeconds(corpus, kind);
            System.out.printf("{\"benchmark\": \"gradient-check\", \"model\": \"%s\", \"checkSeconds\": %.3f, \"shareOfArm\": %.4f}%n",
                    kind.id, check, check / median(engine));
            assertTrue(median(engine) > 0);
        }
    }

    /**
     * What every run's check against DL4J costs: a network's first step (DL4J's forward and backward pass on the first
     * batch beside the engine's) less a step without it (the median of the next ten), median over three networks.
     */
    static double gradientCheckSeconds(Corpus corpus, ModelKind kind) {
        TrainingSettings s = lessonArm(kind);
        TrainingData data = TrainingData.of(corpus, s);
        var windows = data.train.subList(0, s.batch);
        double[] extra = new double[3];
        for (int round = 0; round < extra.length; round++) {
            Network network = Network.build(kind, s, data.vocabulary.size(), org.nd4j.linalg.api.buffer.DataType.FLOAT);
            long t0 = System.nanoTime();
            network.step(windows);
            double first = (System.nanoTime() - t0) / 1e9;
            double[] steps = new double[10];
            for (int i = 0; i < steps.length; i++) {
                long t = System.nanoTime();
                network.step(windows);
                steps[i] = (System.nanoTime() - t) / 1e9;
            }
            extra[round] = first - median(steps);
        }
        return median(extra);
    }

    static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
