package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.Lessons;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.RunService;
import lab.gradient.training.engine.RecurrentEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Subnormal floats in our engine while it trains every lesson's arms (the lesson's seed and settings, its clipping
 * included): a multiply or add with a subnormal operand costs a CPU ~100 cycles instead of 4, and Java cannot set the
 * flush-to-zero flag, so the engine must avoid making them (its exp is held to [−87, 88], where e^x is a normal float;
 * saturated LSTM gates and vanishing gradients are where they would come from). After every step, every float array the
 * engine holds (states, gates, cells, logits, every gradient) is scanned. One JSON line per arm; docs/benchmarks.md.
 * {@code mvn test -Dgroups=benchmark -Dexcluded.groups= -Dtest=DenormalsBenchmark}
 */
@Tag("benchmark")
class DenormalsBenchmark {
    @Test
    void subnormalsInTheEnginesArraysOverEveryLessonsArms() throws Exception {
        NativeBackend.warmUp();
        long scanned = 0;
        for (Lesson lesson : Lessons.all()) {
            RunService.ExperimentSpec spec = ExperimentRequests.parse(lesson.experiment(lesson.defaultSeed()), id -> Optional.empty(), id -> true);
            for (RunService.Arm arm : spec.arms()) {
                TrainingSettings s = arm.settings();
                TrainingData data = spec.corpus().requireTrainable(s);
                Network network = Network.build(arm.model(), s, data.vocabulary.size(), DataType.FLOAT);
                network.model.setListeners(new Instrumentation(network, s.clip, s.clipThreshold));
                List<float[]> arrays = arrays(network.engine.engine);
                long floats = arrays.stream().mapToLong(a -> a.length).sum(), subnormal = 0, worstStep = 0, stepsWithAny = 0;
                int iterations = Math.min(Trainer.totalIterations(data, s), 1000);
                for (int i = 0; i < iterations; i++) {
                    int from = (i * s.batch) % Math.max(1, data.train.size() - s.batch + 1);
                    network.step(data.train.subList(from, Math.min(data.train.size(), from + s.batch)));
                    long count = 0;
                    for (float[] a : arrays) {
                        for (float x : a) if (x != 0 && Math.abs(x) < Float.MIN_NORMAL) count++;
                    }
                    subnormal += count;
                    worstStep = Math.max(worstStep, count);
                    if (count > 0) stepsWithAny++;
                    scanned += floats;
                }
                System.out.printf("{\"benchmark\": \"subnormals\", \"lesson\": \"%s\", \"model\": \"%s\", \"iterations\": %d, "
                                + "\"floatsPerStep\": %d, \"subnormals\": %d, \"stepsWithAny\": %d, \"mostInOneStep\": %d}%n",
                        lesson.id(), arm.model().id, iterations, floats, subnormal, stepsWithAny, worstStep);
            }
        }
        assertTrue(scanned > 0);
    }

    /** Every float array the engine holds, the per-layer ones included: read as they are after a step. */
    static List<float[]> arrays(RecurrentEngine engine) throws IllegalAccessException {
        List<float[]> out = new ArrayList<>();
        for (Field f : RecurrentEngine.class.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
            f.setAccessible(true);
            Object value = f.get(engine);
            if (value instanceof float[] a) out.add(a);
            else if (value instanceof float[][] aa) for (float[] a : aa) out.add(a);
        }
        return out;
    }
}
