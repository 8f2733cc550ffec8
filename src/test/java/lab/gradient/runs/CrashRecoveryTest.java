package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import lab.gradient.store.Database;
import lab.gradient.store.RunStore;
import lab.gradient.training.ModelKind;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app as a separate JVM on a file database, killed with SIGKILL mid-training and started again: the run it
 * was training becomes interrupted with its metrics kept, and the queued run is trained.
 */
class CrashRecoveryTest {
    @TempDir Path dir;

    @Test
    void aKilledServerMarksItsRunInterruptedAndResumesTheQueue() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("gradient-lab") + ";AUTO_SERVER=TRUE";
        String first, second;
        try (Database db = Database.open(url)) {
            RunService service = new RunService(new RunStore(db), new RunEvents(), 1, QueuePolicy.defaults(1));
            TrainingSettings long_ = new TrainingSettings();
            long_.maxIterations = 1_000_000;
            long_.hidden = 32;
            List<RunService.Arm> arms = List.of(new RunService.Arm(ModelKind.LSTM, long_), new RunService.Arm(ModelKind.RNN, long_.copy()));
            List<RunStore.Run> runs = service.submit(new RunService.ExperimentSpec("crash", null,
                    CorpusSpec.ofPreset("english-prose", null), arms), "alice").runs();
            first = runs.get(0).id();
            second = runs.get(1).id();
        }

        Process server = startServer(url, "first");
        int metricRowsAtKill;
        try (Database db = Database.open(url)) {
            RunStore store = new RunStore(db);
            await(store, first, run -> run.status().equals("running") && store.recordCounts(first).get("metricRows") > 0);
            server.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        try (Database db = Database.open(url)) {
            RunStore store = new RunStore(db);
            assertEquals("running", store.run(first).orElseThrow().status(), "the crash left it running");
            assertEquals("queued", store.run(second).orElseThrow().status());
            metricRowsAtKill = store.recordCounts(first).get("metricRows");
            assertTrue(metricRowsAtKill > 0);
        }

        Process restarted = startServer(url, "restarted");
        try (Database db = Database.open(url)) {
            RunStore store = new RunStore(db);
            await(store, first, run -> run.status().equals("interrupted"));
            await(store, second, run -> run.status().equals("running") && run.iterations() > 0);
            assertEquals(metricRowsAtKill, store.recordCounts(first).get("metricRows"), "the interrupted run's metrics are kept");
            assertEquals(metricRowsAtKill, new RunStore(db).metrics(first).size());
        } finally {
            restarted.destroy();
            restarted.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private Process startServer(String url, String name) throws Exception {
        Path log = Path.of("target", "crash-recovery-" + name + ".log");
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "lab.gradient.App",
                "--port", "0", "--db", url, "--workers", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void await(RunStore store, String runId, Predicate<RunStore.Run> condition) throws InterruptedException {
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
