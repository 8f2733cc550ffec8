package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.Rule;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.Cookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.model.Json;
import org.junit.jupiter.api.Test;

/**
 * Deque's axe-core scan (its Java binding for Playwright, axe 4.10) of the pages a student and a teacher use, in
 * Debian's Chromium against the real server: the new-experiment page, a trained experiment, Compare, a sweep, the
 * teacher's dashboard and My runs. No serious or critical violation; every violation's count per page is written to
 * target/axe-report.txt (docs/benchmarks.md has the counts).
 */
class AccessibilityTest {
    static final HttpClient http = HttpClient.newHttpClient();

    static JsonNode post(String base, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("Origin", base).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 201, r.body());
        return Json.read(r.body(), JsonNode.class);
    }

    static JsonNode get(String base, String path) throws Exception {
        return Json.read(http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString()).body(), JsonNode.class);
    }

    @Test
    void thePagesHaveNoSeriousOrCriticalAccessibilityViolations() throws Exception {
        try (Server server = TestServers.startInMemory(2);
                Playwright playwright = BrowserSmokeTest.createPlaywright();
                Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            String base = "http://localhost:" + server.port();
            JsonNode experiment = post(base, "/api/experiments", "{\"name\":\"axe\",\"corpus\":{\"preset\":\"seed-examples\"},"
                    + "\"arms\":[{\"model\":\"rnn\"},{\"model\":\"lstm\"}],\"training\":{\"maxIterations\":20,\"hidden\":8,\"embedding\":8}}");
            List<String> runIds = new ArrayList<>();
            for (JsonNode run : experiment.get("runs")) runIds.add(run.get("id").asText());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            for (String id : runIds) {
                while (!List.of("completed", "diverged", "failed").contains(get(base, "/api/runs/" + id).get("status").asText())) {
                    assertTrue(System.nanoTime() < deadline, "the runs train");
                    Thread.sleep(200);
                }
            }
            JsonNode sweep = post(base, "/api/sweeps", "{\"models\": [\"rnn\", \"lstm\"], \"distances\": [3, 5], \"seeds\": 1, "
                    + "\"training\": {\"maxIterations\": 3, \"hidden\": 8, \"embedding\": 8, \"batch\": 8, \"probeEvery\": 1}}");
            JsonNode lab = post(base, "/api/labs", "{\"name\":\"Monday\",\"settings\":{\"lesson\":\"vanishing\"}}");

            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("new experiment", base + "/");
            pages.put("experiment", base + "/experiments/" + experiment.get("id").asText());
            pages.put("compare", base + "/compare?runs=" + String.join(",", runIds));
            pages.put("sweep", base + sweep.at("/links/ui").asText());
            pages.put("teacher's dashboard", base + lab.at("/links/ui").asText());
            pages.put("my runs", base + "/runs");

            List<String> report = new ArrayList<>(), serious = new ArrayList<>();
            for (Map.Entry<String, String> p : pages.entrySet()) {
                BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
                // the browser that submitted the experiment: My runs lists its runs
                context.addCookies(List.of(new Cookie("gl_owner", experiment.get("ownerToken").asText()).setUrl(base)));
                Page page = context.newPage();
                page.setDefaultTimeout(60_000);
                page.navigate(p.getValue());
                page.waitForLoadState();
                page.waitForSelector("h1");
                page.waitForTimeout(1_500); // the page's first live update
                AxeResults results = new AxeBuilder(page).analyze();
                for (Rule v : results.getViolations()) {
                    String line = String.format("%s: %s (%s), %d node(s)", p.getKey(), v.getId(), v.getImpact(), v.getNodes().size());
                    report.add(line);
                    if ("serious".equals(v.getImpact()) || "critical".equals(v.getImpact())) {
                        serious.add(line + ": " + v.getHelp() + " at " + v.getNodes().stream().map(n -> String.valueOf(n.getTarget())
                                + " " + n.getHtml().substring(0, Math.min(160, n.getHtml().length()))).toList());
                    }
                }
                if (results.getViolations().isEmpty()) report.add(p.getKey() + ": no violations");
                page.context().close();
            }
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "axe-report.txt"), String.join("\n", report) + "\n");
            System.out.println(String.join("\n", report));
            assertEquals(List.of(), serious, "serious or critical violations");
        }
    }
}
