package lab.gradient.runs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import lab.gradient.model.Experiment;
import lab.gradient.model.Run;
import lab.gradient.store.Database;
import lab.gradient.store.QueueStore;
import lab.gradient.store.RunStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.Cost;
import lab.gradient.training.ModelKind;
import lab.gradient.training.NativeBackend;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not part of the default test run: for the largest runs the cost budget accepts (one step estimated just
 * under the default limit of {@link Cost.Limits}), how long a step really takes, and how long cancel takes to act (the
 * time budget is checked at the same point). Run with {@code mvn test -Dgroups=benchmark -Dexcluded.groups= -Dtest=CancelLatencyBenchmark}.
 */
@Tag("benchmark")
class CancelLatencyBenchmark {

    /** The largest arm of {@code kind} on english-prose the cost check accepts: hidden grown until the next is refused. */
    static RunService.ExperimentSpec largestAccepted(ModelKind kind, lab.gradient.training.TrainingData data) {
        TrainingSettings s = new TrainingSettings().tunedFor(kind);
        s.window = 100;
        s.batch = 64;
        s.embedding = 256;
        s.layers = kind == ModelKind.RNN_SKIP ? 2 : 1;
        s.epochs = 1000;
        s.probeEvery = 50;
        s.hidden = 16;
        while (s.hidden < TrainingSettings.MAX_HIDDEN && accepted(kind, withHidden(s, s.hidden + 16), data)) s.hidden += 16;
        return new RunService.ExperimentSpec("largest " + kind.id, null, CorpusSpec.ofPreset("english-prose", null),
                List.of(new RunService.Arm(kind, s)));
    }

    /** Whether the run service would take it: its step, probe, evaluation and memory within the limits (a 200 s budget). */
    private static boolean accepted(ModelKind kind, TrainingSettings s, lab.gradient.training.TrainingData data) {
        try {
            Cost.of(kind, s, data).require("hidden", 200, Cost.Limits.DEFAULT);
            return true;
        } catch (lab.gradient.training.SettingsException refused) {
            return false;
        }
    }

    private static TrainingSettings withHidden(TrainingSettings s, int hidden) {
        TrainingSettings copy = lab.gradient.model.Json.read(lab.gradient.model.Json.write(s), TrainingSettings.class);
        copy.hidden = hidden;
        return copy;
    }

    @Test
    void cancelAndTheBudgetActWithinSecondsOnTheLargestAcceptedRuns() throws Exception {
        NativeBackend.warmUp();
        List<String> rows = new ArrayList<>();
        for (ModelKind kind : new ModelKind[] {ModelKind.RNN, ModelKind.LSTM}) {
            try (Database db = Database.open("jdbc:h2:mem:cancel-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
                    RunService runs = new RunService(new RunStore(db), new RunEvents(), 1, QueuePolicy.defaults(1), 200)) {
                runs.start();
                var data = CorpusSpec.ofPreset("english-prose", null).requireTrainable(new TrainingSettings());
                int vocabulary = data.vocabulary.size();
                RunService.ExperimentSpec spec = largestAccepted(kind, data);
                TrainingSettings s = spec.arms().get(0).settings();
                // checkpoint every 2 s here (30 s on a server) to time what each one costs
                runs.checkpointEvery(2);
                String cancelled = runs.submit(spec, "bench").runs().get(0).id();
                Thread.sleep(15_000);
                RunStore store = new RunStore(db);
                // a run that ends keeps no checkpoint: take its latest while it trains
                lab.gradient.training.Checkpoint latest = store.records().checkpoint(cancelled).orElse(null);
                long asked = System.nanoTime();
                runs.cancel(cancelled);
                runs.awaitEnded(runs.run(cancelled).orElseThrow().experimentId(), Duration.ofMinutes(5));
                double cancelSeconds = (System.nanoTime() - asked) / 1e9;
                Run c = runs.run(cancelled).orElseThrow();
                double perStep = 15.0 / Math.max(1, c.iterations());
                // what one checkpoint of this run costs: its state written and stored, as the trainer does
                double checkpointMs = Double.NaN;
                int stateMiB = 0;
                if (latest != null) {
                    // stored for a training of its own, held as its worker holds it
                    String experiment = lab.gradient.store.Ids.newId(), held = lab.gradient.store.Ids.newId();
                    store.insertExperiment(new Experiment(experiment, "bench", "bench", null,
                                    CorpusSpec.ofPreset("seed-examples", null), null, null),
                            List.of(new Run(held, experiment, 0, kind.id, s, "bench", null, "queued", null, null, null, 0, 0,
                                    null, null, null, Double.NaN, null)), List.of("checkpoint-cost-" + held));
                    store.queue().claim(held, "bench");
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 5; i++) store.records().saveCheckpoint(new QueueStore.Lease(held, "bench"), latest);
                    checkpointMs = (System.nanoTime() - t0) / 5e6;
                    stateMiB = latest.state().length >> 20;
                }
                rows.add(String.format(Locale.ROOT, "| %s | hidden %d, window %d, batch %d, embedding %d, V %d | %.2f | %.2f (%d steps in 15 s) | %.1f | %d MiB, %.0f ms to store (%.2f%% of 30 s) |",
                        kind.id, s.hidden, s.window, s.batch, s.embedding, vocabulary,
                        Cost.of(kind, s, data).secondsPerIteration(), perStep, c.iterations(), cancelSeconds, stateMiB, checkpointMs,
                        checkpointMs / 300));
            }
        }
        // the time budget is checked at the same point as cancel (before each step), so it acts within the same time
        System.out.println("| model | largest accepted arm | estimated s/step | measured s/step (with probes) | cancel took s | a checkpoint |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }
}
