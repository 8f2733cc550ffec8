package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import lab.gradient.model.Flow;
import lab.gradient.model.Run;
import lab.gradient.store.Database;
import lab.gradient.store.RunStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app as a separate JVM on a file database, killed with SIGKILL mid-training and started again: the run it was
 * training resumes from its last checkpoint and completes, its metrics continuous (every step once), and the queued
 * run is trained after it.
 */
class CrashRecoveryTest {
    @TempDir Path dir;

    @Test
    void aKilledServerResumesItsRunFromTheCheckpointAndThenTheQueue() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("gradient-lab") + ";AUTO_SERVER=TRUE";
        String first, second, shared;
        try (Database db = Database.open(url)) {
            RunService service = new RunService(new RunStore(db), new RunEvents(), 1, QueuePolicy.defaults(1));
            TrainingSettings long_ = new TrainingSettings();
            long_.maxIterations = 400;
            long_.hidden = 32;
            // the second trains until stopped: it is the one running when the server is told to stop
            TrainingSettings endless = long_.copy();
            endless.maxIterations = 1_000_000;
            endless.epochs = 100_000;
            List<RunService.Arm> arms = List.of(new RunService.Arm(ModelKind.LSTM, long_), new RunService.Arm(ModelKind.RNN, endless));
            List<Run> runs = service.submit(new RunService.ExperimentSpec("crash", null,
                    CorpusSpec.ofPreset("english-prose", null), arms), "alice").runs();
            first = runs.get(0).id();
            second = runs.get(1).id();
            // another student's identical LSTM follows the first run's training: the crash must not lose it either
            shared = service.submit(new RunService.ExperimentSpec("crash too", null, CorpusSpec.ofPreset("english-prose", null),
                    List.of(new RunService.Arm(ModelKind.LSTM, long_))), "ben").runs().get(0).id();
            assertEquals(runs.get(0).trainingId(), new RunStore(db).run(shared).orElseThrow().trainingId());
        }

        Process server = startServer(url, "first");
        int checkpointAt;
        try (Database db = Database.open(url)) {
            RunStore store = new RunStore(db);
            await(store, first, run -> run.status().equals("running") && store.records().checkpoint(first).map(c -> c.iteration() >= 20).orElse(false));
            server.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        try (Database db = Database.open(url)) {
            RunStore store = new RunStore(db);
            assertEquals("running", store.run(first).orElseThrow().status(), "the crash left it running");
            assertEquals("running", store.run(shared).orElseThrow().status(), "and the run following the same training");
            assertEquals("queued", store.run(second).orElseThrow().status());
            checkpointAt = store.records().checkpoint(first).orElseThrow().iteration();
            assertTrue(store.records().metrics(first).size() >= checkpointAt, "recorded at least up to the checkpoint");
        }

        Process restarted = startServer(url, "restarted");
        try (Database db = Database.open(url)) {
            RunStore store = new RunStore(db);
            await(store, first, run -> run.status().equals("completed"));
            await(store, second, run -> run.status().equals("running") && run.iterations() > 0);
            // every step once: 1 … N in order, the steps after the checkpoint taken again and recorded once
            Run done = store.run(first).orElseThrow();
            assertEquals(done.totalIterations(), done.iterations(), "it ran to its end");
            int[] iterations = store.records().metrics(first).iteration();
            assertEquals(done.iterations(), iterations.length);
            for (int i = 0; i < iterations.length; i++) assertEquals(i + 1, iterations[i], "step " + (i + 1));
            List<Integer> probed = store.records().flows(first).stream().map(Flow::iteration).toList();
            assertEquals(probed.stream().distinct().sorted().toList(), probed, "each probe once, in order");
            assertEquals(0, (int) probed.get(0));
            assertTrue(store.records().checkpoint(first).isEmpty(), "a finished run keeps no checkpoint");
            assertTrue(checkpointAt < done.iterations());
            // the run that shared the training resumed with it and reads the same
            await(store, shared, run -> run.status().equals("completed"));
            assertEquals(done.summary(), store.run(shared).orElseThrow().summary());
            assertEquals(iterations.length, store.records().metrics(shared).iteration().length);

            // SIGTERM while the second run trains: the server stops within seconds, and the run waits to resume
            await(store, second, run -> store.records().checkpoint(second).isPresent());
            long asked = System.nanoTime();
            restarted.destroy();
            assertTrue(restarted.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "SIGTERM stops the server");
            double seconds = (System.nanoTime() - asked) / 1e9;
            assertTrue(seconds < 15, "stopped after " + seconds + " s");
            assertEquals("queued", store.run(second).orElseThrow().status(), "stopped by a shutdown, it resumes on the next start");
        } finally {
            restarted.destroyForcibly();
            restarted.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private Process startServer(String url, String name) throws Exception {
        Path log = Path.of("target", "crash-recovery-" + name + ".log");
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "lab.gradient.App",
                "--port", "0", "--db", url, "--workers", "1", "--checkpoint-every", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void await(RunStore store, String runId, Predicate<Run> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                if (condition.test(store.run(runId).orElseThrow())) return;
            } catch (RuntimeException e) {
                // the other process may still be opening the database
            }
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for run " + runId + ": " + store.run(runId));
            Thread.sleep(100);
        }
    }
}
