package lab.gradient.web;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.model.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long a student waits for My runs (50 saved runs) and for Compare (10 of them) in Chromium: from navigation to
 * the grid showing every run, and to the chart having drawn every line. Each page loaded 5 times in a fresh browser
 * context holding the student's cookie, after one warm-up load. Writes {@code target/benchmark-page-ready.txt}.
 */
@Tag("benchmark")
class PageReadyBenchmark {
    static final int RUNS = 50, LOADS = 5;
    static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void myRunsAndCompareWithFiftySavedRuns() throws Exception {
        try (Server server = TestServers.startInMemory(2)) {
            String base = "http://localhost:" + server.port();
            String token = null;
            List<String> ids = new ArrayList<>();
            for (int e = 0; e < RUNS / 2; e++) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/experiments")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"saved " + e + "\",\"corpus\":{\"preset\":\"seed-examples\"},"
                                + "\"arms\":[{\"model\":\"rnn\"},{\"model\":\"lstm\"}],\"training\":{\"maxIterations\":200,\"hidden\":16,\"embedding\":8}}"));
                if (token != null) b.header("Authorization", "Bearer " + token);
                JsonNode created = Json.MAPPER.readTree(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
                token = created.get("ownerToken").asText();
                created.get("runs").forEach(r -> ids.add(r.get("id").asText()));
                // stay under the cap of active runs per student
                for (JsonNode r : created.get("runs")) await(base, r.get("id").asText());
            }
            String compare = "/compare?runs=" + String.join(",", ids.subList(0, 10));
            List<String> lines = new ArrayList<>();
            try (Playwright playwright = BrowserSmokeTest.createPlaywright(); Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
                double[] runsPage = new double[LOADS], comparePage = new double[LOADS], emptyPage = new double[LOADS],
                        runsByMenu = new double[LOADS], compareByButton = new double[LOADS];
                String allListed = "n => document.querySelectorAll('#runs-grid vaadin-grid-cell-content a[href^=\"runs/\"]').length >= n";
                String allDrawn = "n => { const c = document.querySelector('#chart-compare');"
                        + " return c && c.option && JSON.parse(c.option).series.filter(s => s.data.length > 0).length >= n; }";
                for (int i = -1; i < LOADS; i++) {
                    // a first visit: a fresh browser context, nothing cached, Vaadin's bootstrap included
                    BrowserContext context = browser.newContext();
                    context.addCookies(List.of(new Cookie("gl_owner", token).setDomain("localhost").setPath("/")));
                    Page page = context.newPage();
                    long start = System.nanoTime();
                    page.navigate(base + "/runs");
                    page.waitForFunction(allListed, RUNS);
                    double runsMillis = (System.nanoTime() - start) / 1e6;
                    start = System.nanoTime();
                    page.navigate(base + compare);
                    page.waitForFunction(allDrawn, 10);
                    double compareMillis = (System.nanoTime() - start) / 1e6;
                    // the way a student gets there inside the app: the menu's My runs, then Compare selected
                    page.navigate(base + "/");
                    page.waitForSelector("#train");
                    start = System.nanoTime();
                    page.locator(".gl-nav a:has-text('My runs')").click();
                    page.waitForFunction(allListed, RUNS);
                    double menuMillis = (System.nanoTime() - start) / 1e6;
                    for (int row = 0; row < 10; row++) page.locator("#runs-grid input.gl-tick").nth(row).click();
                    start = System.nanoTime();
                    page.locator("#compare").click();
                    page.waitForFunction(allDrawn, 10);
                    double buttonMillis = (System.nanoTime() - start) / 1e6;
                    context.close();
                    // the floor: the same first visit by a browser with no runs (an empty grid)
                    BrowserContext empty = browser.newContext();
                    Page emptyRuns = empty.newPage();
                    start = System.nanoTime();
                    emptyRuns.navigate(base + "/runs");
                    emptyRuns.waitForSelector("#runs-grid");
                    double emptyMillis = (System.nanoTime() - start) / 1e6;
                    empty.close();
                    if (i < 0) continue;
                    runsPage[i] = runsMillis;
                    comparePage[i] = compareMillis;
                    emptyPage[i] = emptyMillis;
                    runsByMenu[i] = menuMillis;
                    compareByButton[i] = buttonMillis;
                }
                lines.add(line("My runs (" + RUNS + " runs), first visit", runsPage));
                lines.add(line("My runs, no runs, first visit (Vaadin's bootstrap)", emptyPage));
                lines.add(line("Compare (10 runs x 200 iterations), first visit", comparePage));
                lines.add(line("My runs (" + RUNS + " runs) from the menu", runsByMenu));
                lines.add(line("Compare (10 runs ticked) from Compare selected", compareByButton));
            }
            String report = String.join("\n", lines);
            System.out.println(report);
            Files.writeString(Path.of("target/benchmark-page-ready.txt"), report + "\n");
        }
    }

    static void await(String base, String runId) throws Exception {
        while (true) {
            JsonNode run = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs/" + runId)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (!List.of("queued", "running").contains(run.get("status").asText())) return;
            Thread.sleep(100);
        }
    }

    static String line(String what, double[] millis) {
        return String.format(Locale.ROOT, "%s: median %.0f ms [%.0f – %.0f]", what, median(millis),
                Arrays.stream(millis).min().orElse(0), Arrays.stream(millis).max().orElse(0));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
