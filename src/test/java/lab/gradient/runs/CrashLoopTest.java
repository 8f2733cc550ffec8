package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during heavy writing, five times in a row: four runs training, twenty readers reading. Every restart opens the
 * database, leaves the completed runs exactly as they were, marks the killed runs interrupted and keeps their metrics.
 */
@Tag("crash")
class CrashLoopTest {
    static final String LONG = "{\"name\":\"long\",\"corpus\":{\"preset\":\"english-prose\"},\"arms\":[{\"model\":\"lstm\"},{\"model\":\"rnn\"},"
            + "{\"model\":\"lstm\"},{\"model\":\"rnn\"}],\"training\":{\"maxIterations\":1000000,\"hidden\":32}}";
    static final String SHORT = "{\"name\":\"short\",\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"},{\"model\":\"lstm\"}],"
            + "\"training\":{\"maxIterations\":15,\"hidden\":8}}";
    @TempDir Path dir;

    @Test
    void fiveKillsDuringHeavyWritingLoseNothingThatWasDone() throws Exception {
        String db = "jdbc:h2:file:" + dir.resolve("gradient-lab");
        ChildServer server = ChildServer.start(db, 4, "crash-loop-0");
        String token;
        List<String> completed = new ArrayList<>();
        Map<String, String> completedSummaries = new HashMap<>();
        List<String> interrupted = new ArrayList<>();
        try {
            JsonNode shortRuns = server.post("/api/experiments", SHORT, null);
            token = shortRuns.get("ownerToken").asText();
            for (JsonNode r : shortRuns.get("runs")) completed.add(r.get("id").asText());
            for (String id : completed) server.await(id, run -> run.get("status").asText().equals("completed"));
            for (String id : completed) completedSummaries.put(id, server.get("/api/runs/" + id).get("summary").toString());
        } catch (Exception | AssertionError e) {
            server.kill();
            throw e;
        }

        for (int round = 1; round <= 5; round++) {
            List<String> training = new ArrayList<>();
            server.post("/api/experiments", LONG, token).get("runs").forEach(r -> training.add(r.get("id").asText()));
            for (String id : training) {
                server.await(id, run -> run.get("status").asText().equals("running") && run.at("/progress/iteration").asInt() > 0);
            }
            AtomicBoolean reading = new AtomicBoolean(true);
            ExecutorService readers = Executors.newFixedThreadPool(20);
            List<String> all = new ArrayList<>(training);
            all.addAll(completed);
            int port = server.port;
            for (int r = 0; r < 20; r++) {
                String id = all.get(r % all.size());
                readers.submit(() -> {
                    for (int i = 0; i < 500 && reading.get(); i++) {
                        try {
                            ChildServer.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/runs/" + id + "/metrics")).build(),
                                    HttpResponse.BodyHandlers.discarding());
                        } catch (Exception e) {
                            return; // the server is gone: that is the point
                        }
                    }
                });
            }
            Thread.sleep(1500);
            server.kill(); // SIGKILL in the middle of writes and reads
            reading.set(false);
            readers.shutdownNow();
            interrupted.addAll(training);

            server = ChildServer.start(db, 4, "crash-loop-" + round);
            assertEquals("ok", server.get("/api/health").get("db").asText(), "round " + round + ": the database opens");
            for (String id : completed) {
                JsonNode run = server.get("/api/runs/" + id);
                assertEquals("completed", run.get("status").asText());
                assertEquals(completedSummaries.get(id), run.get("summary").toString(), "round " + round + ": a completed run never changes");
                assertEquals(15, server.get("/api/runs/" + id + "/metrics").get("iteration").size());
            }
            for (String id : interrupted) {
                JsonNode run = server.get("/api/runs/" + id);
                assertEquals("interrupted", run.get("status").asText(), "round " + round + ": " + id);
                int rows = server.get("/api/runs/" + id + "/metrics").get("iteration").size();
                assertTrue(rows > 0, "round " + round + ": what an interrupted run recorded is kept");
            }
        }
        server.close();
    }
}
