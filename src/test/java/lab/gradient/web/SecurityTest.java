package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Headers on every response, cross-site writes refused, and user text shown as typed with no script run. */
class SecurityTest {
    static Server server;
    static final HttpClient http = HttpClient.newHttpClient();
    static final String BODY = "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],\"training\":{\"maxIterations\":2,\"hidden\":4}}";

    @BeforeAll
    static void start() {
        server = TestServers.startInMemory();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One request written by hand (Java's client will not send a Host header of our choosing); the whole reply. */
    static String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).header("Content-Type", "application/json");
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        for (String path : new String[] {"/api/health", "/", "/api/runs/none", "/favicon.ico"}) {
            HttpResponse<String> r = send(request(path));
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"), path);
        }
    }

    /** Every browser asks for /favicon.ico on every page: it is an icon, not a 404 (issue 33). */
    @Test
    void theFaviconIsAnIcon() throws Exception {
        HttpResponse<byte[]> icon = http.send(request("/favicon.ico").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, icon.statusCode());
        assertEquals("image/x-icon", icon.headers().firstValue("Content-Type").orElse(""));
        byte[] b = icon.body();
        // an ICO header (reserved 0, type 1, one image) holding a PNG
        assertTrue(b.length > 22 && b[0] == 0 && b[1] == 0 && b[2] == 1 && b[4] == 1, "an ICO file");
        assertEquals("PNG", new String(b, 23, 3, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void crossSiteWritesAreRefusedAndSameSiteOnesAccepted() throws Exception {
        HttpResponse<String> evil = send(request("/api/experiments").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)));
        assertEquals(403, evil.statusCode());
        assertTrue(evil.body().contains("cross-site"));
        HttpResponse<String> fetched = send(request("/api/experiments").header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)));
        assertEquals(403, fetched.statusCode());
        HttpResponse<String> same = send(request("/api/experiments").header("Origin", "http://localhost:" + server.port())
                .POST(HttpRequest.BodyPublishers.ofString(BODY)));
        assertEquals(201, same.statusCode(), same.body());
        assertEquals(200, send(request("/api/health").header("Origin", "https://evil.example")).statusCode(), "reading stays open");

        // the Host header is the requester's to choose (DNS rebinding): a matching Origin on a foreign name is still foreign
        String rebound = raw("POST /api/experiments HTTP/1.1\r\nHost: evil.example:" + server.port() + "\r\nOrigin: http://evil.example:"
                + server.port() + "\r\nContent-Type: application/json\r\nContent-Length: " + BODY.length() + "\r\nConnection: close\r\n\r\n" + BODY);
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        // the scheme counts too
        assertEquals(403, send(request("/api/experiments").header("Origin", "https://localhost:" + server.port())
                .POST(HttpRequest.BodyPublishers.ofString(BODY))).statusCode());
        assertEquals(201, send(request("/api/experiments").header("Origin", "http://127.0.0.1:" + server.port())
                .POST(HttpRequest.BodyPublishers.ofString(BODY))).statusCode());
    }

    @Test
    void noHeaderOrParameterChangesTheRoutedMethod() throws Exception {
        HttpResponse<String> created = send(request("/api/experiments").POST(HttpRequest.BodyPublishers.ofString(BODY)));
        assertEquals(201, created.statusCode(), created.body());
        var body = Json.read(created.body(), com.fasterxml.jackson.databind.JsonNode.class);
        String token = body.get("ownerToken").asText();
        String run = body.at("/runs/0/id").asText();
        for (String header : new String[] {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"}) {
            for (String method : new String[] {"GET", "HEAD", "POST"}) {
                HttpResponse<String> r = send(request("/api/runs/" + run).header(header, "DELETE").header("Authorization", "Bearer " + token)
                        .method(method, HttpRequest.BodyPublishers.noBody()));
                assertEquals(400, r.statusCode(), header + " on " + method);
            }
        }
        HttpResponse<String> param = send(request("/api/runs/" + run + "?_method=DELETE").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(400, param.statusCode());
        assertTrue(param.body().contains("\"error\""), param.body());
        assertEquals(200, send(request("/api/runs/" + run)).statusCode(), "the run is still there");
    }

    @Test
    void markupInNamesAndSentencesIsShownAsTextAndNeverRuns() throws Exception {
        String name = "<img src=x onerror=\"window.__pwned=1\"> Robert'); DROP TABLE runs;--";
        String text = "<script>window.__pwned=2</script> Marathi is spoken in Maharashtra. javascript:alert(3) is not a link.";
        String body = Json.MAPPER.createObjectNode().put("name", name)
                .set("corpus", Json.MAPPER.createObjectNode().put("text", text)).toString();
        body = body.substring(0, body.length() - 1) + ",\"arms\":[{\"model\":\"rnn\"}],\"training\":{\"maxIterations\":2,\"hidden\":4}}";
        HttpResponse<String> created = send(request("/api/experiments").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(201, created.statusCode(), created.body());
        String id = Json.MAPPER.readTree(created.body()).get("id").asText();

        try (Playwright playwright = BrowserSmokeTest.createPlaywright(); Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            Page page = browser.newPage();
            AtomicInteger dialogs = new AtomicInteger();
            page.onDialog(d -> {
                dialogs.incrementAndGet();
                d.dismiss();
            });
            page.navigate("http://localhost:" + server.port() + "/experiments/" + id);
            page.waitForSelector("h1");
            assertEquals(name, page.locator("h1").innerText(), "the name is shown exactly as typed");
            assertEquals(0, page.locator("img[src='x']").count(), "no element was injected");
            assertEquals(0, page.locator("script:text('__pwned')").count());
            Object pwned = page.evaluate("() => window.__pwned");
            assertTrue(pwned == null, "no script ran: " + pwned);
            assertEquals(0, dialogs.get());
            assertFalse(page.content().contains("<img src=\"x\""));
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "injection.png")));

            // the API's readable page works under the same policy
            page.navigate("http://localhost:" + server.port() + "/api/docs");
            page.waitForSelector(".swagger-ui .info .title:has-text('Gradient Lab API')");
            assertTrue(page.locator(".opblock").count() >= 20, "every operation is listed");
        }
        HttpResponse<String> experiment = send(request("/api/experiments/" + id));
        assertEquals(name, Json.MAPPER.readTree(experiment.body()).get("name").asText(), "stored exactly as typed");
        assertEquals(text, Json.MAPPER.readTree(experiment.body()).at("/corpus/text").asText());
    }
}
