package lab.gradient.training;

import java.util.LinkedHashMap;
import java.util.Map;
import lab.gradient.model.Json;

/**
 * The figure a student feels, for {@code scripts/bench}: wall seconds until the LSTM reaches long-range accuracy ≥ 0.9
 * on the {@code long-range} preset at d = 20 with the preset's defaults (probes, spectra and evaluations included, as
 * in a real run), and the best long-range accuracy the tanh RNN reaches in the same wall time. One JSON line per seed.
 */
public final class TimeToLearnBenchmark {
    static final int DISTANCE = 20;
    static final double TARGET = 0.9;

    public static void main(String[] args) {
        int seeds = Integer.parseInt(args[0]);
        NativeBackend.warmUp();
        for (long seed = 1; seed <= seeds; seed++) {
            Reached lstm = train(ModelKind.LSTM, seed, Double.POSITIVE_INFINITY, true);
            Reached rnn = train(ModelKind.RNN, seed, lstm.seconds, false);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("seed", seed);
            out.put("lstmSeconds", lstm.seconds);
            out.put("lstmIterations", lstm.iteration);
            out.put("lstmAccuracy", lstm.best);
            out.put("rnnBestAccuracy", rnn.best);
            out.put("rnnIterations", rnn.iterations);
            System.out.println(Json.write(out));
        }
    }

    static final class Reached {
        double seconds = Double.NaN, best = 0, lastSeconds;
        int iteration = -1, iterations;
    }

    /** Trains until the target (if {@code stopAtTarget}) or for {@code budgetSeconds}, keeping the best accuracy seen. */
    static Reached train(ModelKind kind, long seed, double budgetSeconds, boolean stopAtTarget) {
        TrainingSettings s = TrainingSettings.forLongRange(kind, DISTANCE);
        s.seed = seed;
        s.maxIterations = 20_000;
        Reached r = new Reached();
        TrainingResult result = new Trainer(Presets.load("long-range", DISTANCE, seed), kind, s).train(new TrainingObserver() {
            @Override
            public void onIteration(IterationMetrics m) {
                r.lastSeconds = m.seconds();
            }

            @Override
            public void onValidation(Validation v) {
                r.best = Math.max(r.best, v.result().longRangeAccuracy());
                if (r.iteration < 0 && v.result().longRangeAccuracy() >= TARGET) {
                    r.iteration = v.iteration();
                    r.seconds = r.lastSeconds;
                }
            }
        }, () -> stopAtTarget && r.iteration >= 0, budgetSeconds);
        r.iterations = result.summary().iterations();
        return r;
    }
}
