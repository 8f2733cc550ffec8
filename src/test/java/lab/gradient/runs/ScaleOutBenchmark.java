package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.gradient.store.Database;
import lab.gradient.store.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training from a shared PostgreSQL, measured on this machine: the web server training alone (2 workers), and a
 * serve-only web server with 1 or 2 worker processes (1 worker each). For each: the claim-to-start latency of a run
 * submitted to idle workers (five, one after another: the training's start minus the run's submission, both on the
 * database's clock), and the throughput of 30 trainings from 5 students (time until all are complete, trainings per
 * minute, per worker). On one 2-core machine extra processes add no cores, so this measures the machinery's cost,
 * not the gain of more machines. Writes {@code target/benchmark-scale-out.txt}; docs/benchmarks.md has the figures.
 */
@Tag("benchmark")
class ScaleOutBenchmark {
    static final int STUDENTS = 5, RUNS_EACH = 6;

    /** An RNN on long-range (d = 20, hidden 64) for 300 steps: ~10 s of one core, the size of a lesson's shorter arm. */
    static String run(long seed, int iterations) {
        return "{\"name\":\"throughput\",\"corpus\":{\"preset\":\"long-range\",\"distance\":20},\"arms\":[{\"model\":\"rnn\"}],"
                + "\"training\":{\"maxIterations\":" + iterations + ",\"hidden\":64,\"seed\":" + seed + "}}";
    }

    @Test
    void theWebServerAloneAndWithOneAndTwoWorkerProcesses() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("setup                                   | claim-to-start (idle), 5 runs | 30 trainings complete | trainings/min | per worker");
        lines.add(measure("web server, 2 workers", 2, 0));
        lines.add(measure("web server (0) + 1 worker process", 0, 1));
        lines.add(measure("web server (0) + 2 worker processes", 0, 2));
        String report = String.join("\n", lines);
        System.out.println(report);
        Files.writeString(Path.of("target/benchmark-scale-out.txt"), report + "\n");
    }

    String measure(String label, int webWorkers, int workerProcesses) throws Exception {
        String db = TestPostgres.freshDatabaseUrl();
        List<Process> workers = new ArrayList<>();
        try (ChildServer web = ChildServer.start(db, webWorkers, "scale-bench-web", "-XX:+UseParallelGC");
                Database database = Database.open(db)) {
            for (int i = 0; i < workerProcesses; i++) workers.add(ScaleOutTest.worker(db, "scale-bench-worker-" + i));
            long seed = RunServiceTest.freshSeed() * 10_000;
            // warm-up: every worker has loaded ND4J and trained once before anything is timed
            List<String> warm = new ArrayList<>();
            for (int i = 0; i < Math.max(webWorkers, workerProcesses); i++) warm.add(web.post("/api/experiments", run(seed++, 20), null).at("/runs/0/id").asText());
            for (String id : warm) web.await(id, r -> r.get("status").asText().equals("completed"));

            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = web.post("/api/experiments", run(seed++, 20), null).at("/runs/0/id").asText();
                web.await(id, r -> r.get("status").asText().equals("completed"));
                latencies.add(database.jdbi().withHandle(h -> h.createQuery("SELECT r.created_at, t.started_at FROM runs r "
                                + "JOIN trainings t ON t.id = r.training_id WHERE r.id = ?").bind(0, id)
                        .map((rs, ctx) -> java.time.Duration.between(rs.getObject(1, java.time.OffsetDateTime.class),
                                rs.getObject(2, java.time.OffsetDateTime.class)).toMillis() / 1e3).one()));
            }

            List<String> tokens = new ArrayList<>(), ids = new ArrayList<>();
            long start = System.nanoTime();
            for (int s = 0; s < STUDENTS; s++) {
                JsonNode created = web.post("/api/experiments", run(seed++, 300), null);
                tokens.add(created.get("ownerToken").asText());
                ids.add(created.at("/runs/0/id").asText());
            }
            for (int r = 1; r < RUNS_EACH; r++) {
                for (int s = 0; s < STUDENTS; s++) ids.add(web.post("/api/experiments", run(seed++, 300), tokens.get(s)).at("/runs/0/id").asText());
            }
            for (String id : ids) web.await(id, r -> r.get("status").asText().equals("completed"));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(STUDENTS * RUNS_EACH, ids.size());
            int workerCount = webWorkers + workerProcesses;
            double perMinute = ids.size() / (seconds / 60);
            latencies.sort(Double::compare);
            return String.format(Locale.ROOT, "%-39s | median %.2f s, max %.2f s          | %6.1f s              | %13.1f | %.1f",
                    label, latencies.get(2), latencies.get(4), seconds, perMinute, perMinute / workerCount);
        } finally {
            for (Process p : workers) p.destroyForcibly();
        }
    }
}
