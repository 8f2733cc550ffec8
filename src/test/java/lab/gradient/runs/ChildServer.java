package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import lab.gradient.model.Json;

/** The app in its own JVM, as a user would start it, with a small HTTP client for it: for tests that kill it. */
final class ChildServer implements AutoCloseable {
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final Process process;
    final int port;

    private ChildServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ChildServer start(String db, int workers, String logName, String... jvmOptions) throws Exception {
        return start(db, workers, logName, 0, jvmOptions);
    }

    /** {@code virtualMemoryKib} > 0 starts the JVM under {@code ulimit -v}: native allocations past it fail. */
    static ChildServer start(String db, int workers, String logName, long virtualMemoryKib, String... jvmOptions) throws Exception {
        return start(db, workers, logName, virtualMemoryKib, Map.of(), jvmOptions);
    }

    /** As above, with environment variables for the app (its configuration, as an operator would set it). */
    static ChildServer start(String db, int workers, String logName, long virtualMemoryKib, Map<String, String> env, String... jvmOptions)
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Path.of("target", logName + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "lab.gradient.App",
                "--port", String.valueOf(port), "--db", db, "--workers", String.valueOf(workers)));
        if (virtualMemoryKib > 0) {
            // the shell applies the limit, then becomes the JVM; arguments pass through "$@" untouched
            List<String> limited = new ArrayList<>(List.of("bash", "-c", "ulimit -v " + virtualMemoryKib + " && exec \"$@\"", "limited"));
            limited.addAll(command);
            command = limited;
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        ChildServer server = new ChildServer(p, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (server.get("/api/health").get("status").asText().equals("ok")) return server;
            } catch (Exception e) {
                if (!p.isAlive() || System.nanoTime() > deadline) throw new AssertionError("server did not start, see " + log, e);
                Thread.sleep(200);
            }
        }
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(r.body());
    }

    JsonNode post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body());
    }

    JsonNode await(String runId, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode run = get("/api/runs/" + runId);
            if (condition.test(run)) return run;
            if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + run);
            Thread.sleep(100);
        }
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
    }
}
