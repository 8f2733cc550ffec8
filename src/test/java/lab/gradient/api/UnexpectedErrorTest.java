package lab.gradient.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import lab.gradient.labs.LabService;
import lab.gradient.lessons.LessonService;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.store.LabStore;
import lab.gradient.store.RunStore;
import lab.gradient.store.SweepStore;
import lab.gradient.store.TokenStore;
import lab.gradient.sweeps.SweepService;
import lab.gradient.web.WebServer;
import org.junit.jupiter.api.Test;

/** A bug behind a route answers 500 with an id to find it in the log, and never shows the exception. */
class UnexpectedErrorTest {

    @Test
    void anUnexpectedExceptionBecomesA500NamingItsLogId() throws Exception {
        try (Database db = Database.open("jdbc:h2:mem:boom-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
                RunService runs = new RunService(new RunStore(db), new RunEvents(), 1, QueuePolicy.defaults(1));
                WebServer web = WebServer.start("127.0.0.1", 0, config -> {
                    IssuedTokens tokens = new IssuedTokens(new TokenStore(db));
                    LabService labs = new LabService(new LabStore(db), tokens);
                    ApiRoutes.register(config, new lab.gradient.health.HealthService(db), runs, labs, new LessonService(runs, new lab.gradient.store.SeedGroupStore(db), labs),
                            new SweepService(new SweepStore(db), runs, labs), tokens, RateLimits.defaults());
                    config.routes.get("/api/boom", ctx -> {
                        throw new IllegalStateException("internal detail that must not leak");
                    });
                    config.routes.get("/api/out-of-memory", ctx -> {
                        throw new OutOfMemoryError("Java heap space, an internal detail");
                    });
                }, null, null)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + web.port() + "/api/boom")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode());
            assertTrue(r.body().matches("\\{\"error\":\"unexpected error; it was logged as [0-9a-f]{8}\"}"), r.body());
            assertFalse(r.body().contains("internal detail") || r.body().contains("IllegalStateException"));
            // an Error too (issue 30: an x-ray's OutOfMemoryError answered an empty text/plain 500)
            HttpResponse<String> error = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + web.port() + "/api/out-of-memory")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, error.statusCode());
            assertTrue(error.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), error.headers().map().toString());
            assertTrue(error.body().startsWith("{\"error\":"), error.body());
            assertFalse(error.body().contains("internal detail") || error.body().contains("OutOfMemoryError"), error.body());
        }
    }
}
