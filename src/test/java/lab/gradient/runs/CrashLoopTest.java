package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import lab.gradient.store.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during heavy writing, five times in a row: four runs training, twenty readers reading. Every restart opens the
 * database, leaves the completed runs exactly as they were, marks the killed runs interrupted and keeps their metrics.
 */
@Tag("crash")
class CrashLoopTest {
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String LONG = "{\"name\":\"long\",\"corpus\":{\"preset\":\"english-prose\"},\"arms\":[{\"model\":\"lstm\"},{\"model\":\"rnn\"},"
            + "{\"model\":\"lstm\"},{\"model\":\"rnn\"}],\"training\":{\"maxIterations\":1000000,\"hidden\":32}}";
    static final String SHORT = "{\"name\":\"short\",\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"},{\"model\":\"lstm\"}],"
            + "\"training\":{\"maxIterations\":15,\"hidden\":8}}";
    @TempDir Path dir;
    int port;

    @Test
    void fiveKillsDuringHeavyWritingLoseNothingThatWasDone() throws Exception {
        String db = "jdbc:h2:file:" + dir.resolve("gradient-lab");
        Process server = start(db, 0);
        String token;
        List<String> completed = new ArrayList<>();
        Map<String, String> completedSummaries = new HashMap<>();
        List<String> interrupted = new ArrayList<>();
        try {
            JsonNode shortRuns = post("/api/experiments", SHORT, null);
            token = shortRuns.get("ownerToken").asText();
            for (JsonNode r : shortRuns.get("runs")) completed.add(r.get("id").asText());
            for (String id : completed) await(id, run -> run.get("status").asText().equals("completed"));
            for (String id : completed) completedSummaries.put(id, get("/api/runs/" + id).get("summary").toString());
        } catch (Exception | AssertionError e) {
            server.destroyForcibly();
            throw e;
        }

        for (int round = 1; round <= 5; round++) {
            List<String> training = new ArrayList<>();
            post("/api/experiments", LONG, token).get("runs").forEach(r -> training.add(r.get("id").asText()));
            for (String id : training) {
                await(id, run -> run.get("status").asText().equals("running") && run.at("/progress/iteration").asInt() > 0);
            }
            AtomicBoolean reading = new AtomicBoolean(true);
            ExecutorService readers = Executors.newFixedThreadPool(20);
            List<String> all = new ArrayList<>(training);
            all.addAll(completed);
            for (int r = 0; r < 20; r++) {
                String id = all.get(r % all.size());
                readers.submit(() -> {
                    for (int i = 0; i < 500 && reading.get(); i++) {
                        try {
                            http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/runs/" + id + "/metrics")).build(),
                                    HttpResponse.BodyHandlers.discarding());
                        } catch (Exception e) {
                            return; // the server is gone: that is the point
                        }
                    }
                });
            }
            Thread.sleep(1500);
            server.destroyForcibly(); // SIGKILL in the middle of writes and reads
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
            reading.set(false);
            readers.shutdownNow();
            interrupted.addAll(training);

            server = start(db, round);
            assertEquals("ok", get("/api/health").get("db").asText(), "round " + round + ": the database opens");
            for (String id : completed) {
                JsonNode run = get("/api/runs/" + id);
                assertEquals("completed", run.get("status").asText());
                assertEquals(completedSummaries.get(id), run.get("summary").toString(), "round " + round + ": a completed run never changes");
                assertEquals(15, get("/api/runs/" + id + "/metrics").get("iteration").size());
            }
            for (String id : interrupted) {
                JsonNode run = get("/api/runs/" + id);
                assertEquals("interrupted", run.get("status").asText(), "round " + round + ": " + id);
                int rows = get("/api/runs/" + id + "/metrics").get("iteration").size();
                assertTrue(rows > 0, "round " + round + ": what an interrupted run recorded is kept");
            }
        }
        server.destroy();
        server.waitFor(30, TimeUnit.SECONDS);
    }

    private Process start(String db, int round) throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Path.of("target", "crash-loop-" + round + ".log");
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "lab.gradient.App",
                "--port", String.valueOf(port), "--db", db, "--workers", "4")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (get("/api/health").get("status").asText().equals("ok")) return p;
            } catch (Exception e) {
                if (!p.isAlive() || System.nanoTime() > deadline) throw new AssertionError("server did not start, see " + log, e);
                Thread.sleep(200);
            }
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(r.body());
    }

    private JsonNode post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private void await(String runId, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode run = get("/api/runs/" + runId);
            if (condition.test(run)) return;
            if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + run);
            Thread.sleep(100);
        }
    }
}
