package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import lab.gradient.AppConfig;
import lab.gradient.Server;
import lab.gradient.model.Json;
import lab.gradient.runs.RateLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The categories of the hostile probe (issue 15) as a regression suite, over real HTTP against a real server whose
 * rate limits are set low so a few requests reach them. Each refusal is the API's JSON shape.
 */
class HostileProbeTest {
    static Server server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = Server.start(new AppConfig(0, "jdbc:h2:mem:probe-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 1, 600, null,
                RateLimits.parse(Map.of("labs", 4, "join-misses", 3, "experiments", 3, "predictions", 2)), 30,
                lab.gradient.training.Cost.Limits.DEFAULT));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertLimited(HttpResponse<String> r) {
        assertEquals(429, r.statusCode(), r.body());
        long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
        JsonNode body = Json.read(r.body(), JsonNode.class);
        assertTrue(body.get("error").asText().startsWith("too many"), r.body());
    }

    /** One request written by hand, as a probe would: the whole reply, head and body. */
    static String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void errorsJettyAnswersItselfAreJsonWithTheSecurityHeaders() throws Exception {
        for (String request : new String[] {
                "GET /api/runs/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET /api/runs/" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(20_000) + "\r\nConnection: close\r\n\r\n"}) {
            String reply = raw(request);
            String head = reply.substring(0, Math.max(0, reply.indexOf("\r\n\r\n"))).toLowerCase(java.util.Locale.ROOT);
            assertTrue(head.matches("(?s)http/1.1 4\\d\\d .*"), reply.substring(0, Math.min(200, reply.length())));
            assertTrue(head.contains("content-type: application/json"), head);
            assertTrue(head.contains("x-content-type-options: nosniff"), head);
            assertTrue(head.contains("content-security-policy:"), head);
            String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
            assertTrue(body.startsWith("{\"error\":"), body);
        }
    }

    @Test
    void guessingJoinCodesIsSlowedAfterAFewMissesWhileRightCodesStillCount() throws Exception {
        for (int i = 0; i < 3; i++) assertEquals(404, post("/api/labs/ZZZZZ" + i + "/join", "{\"name\":\"Mallory\"}", null).statusCode());
        assertLimited(post("/api/labs/ZZZZZ9/join", "{\"name\":\"Mallory\"}", null));
    }

    @Test
    void creatingLabsExperimentsAndPredictionsIsLimitedPerAddress() throws Exception {
        // 4 labs a minute: the fifth is refused
        int labs = 0;
        HttpResponse<String> lab;
        while ((lab = post("/api/labs", "{\"name\":\"lab " + labs + "\"}", null)).statusCode() == 201) {
            // a response carrying a token is never cached: the teacher's, a student's, an owner's
            assertEquals("no-store", lab.headers().firstValue("Cache-Control").orElse(""));
            if (labs++ > 0) continue;
            String code = Json.read(lab.body(), JsonNode.class).get("joinCode").asText();
            HttpResponse<String> joined = post("/api/labs/" + code + "/join", "{\"name\":\"Asha\"}", null);
            assertEquals(201, joined.statusCode(), joined.body());
            assertEquals("no-store", joined.headers().firstValue("Cache-Control").orElse(""));
        }
        assertTrue(labs == 4, labs + " labs created");
        assertLimited(lab);

        String body = "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],\"training\":{\"maxIterations\":3,\"hidden\":4,"
                + "\"embedding\":4,\"window\":6,\"batch\":2,\"probeEvery\":2}}";
        String run = null;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> created = post("/api/experiments", body, null);
            assertEquals(201, created.statusCode(), created.body());
            assertEquals("no-store", created.headers().firstValue("Cache-Control").orElse(""));
            run = Json.read(created.body(), JsonNode.class).at("/runs/0/id").asText();
        }
        assertLimited(post("/api/experiments", body, null));

        for (int i = 0; i < 2; i++) assertTrue(post("/api/runs/" + run + "/predict", "{\"prefix\":\"the\"}", null).statusCode() != 429);
        assertLimited(post("/api/runs/" + run + "/generate", "{\"prefix\":\"the\"}", null));
    }
}
