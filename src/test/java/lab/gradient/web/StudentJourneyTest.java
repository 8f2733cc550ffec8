package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import lab.gradient.Server;
import lab.gradient.TestServers;
import org.junit.jupiter.api.Test;

/**
 * A student's whole journey in Debian's Chromium against the real server: type sentences, train RNN vs LSTM, watch the
 * charts fill and the diagnosis appear, ask for the next word, compare the saved runs, and open the share link in a
 * fresh browser, read-only; then the server restarts under the open page, which comes back by itself. Screenshots of
 * every step land in target/screenshots (student-desktop-*.png).
 */
class StudentJourneyTest {
    static final String SENTENCES = """
            Marathi is spoken in Maharashtra. Tamil is spoken in Tamilnadu. Bengali is spoken in Bengal.
            Maharashtra is a beautiful place. I went there last year but I could not enjoy it because I do not understand Marathi.
            Kerala is a beautiful place. I went there last year but I could not enjoy it because I do not understand Malayalam.
            The clouds are in the sky. The fish are in the river.""";

    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "student-desktop-" + name + ".png")).setFullPage(true));
    }

    /** The student's sentences, a name and a small model; the form then says the one length the runs will count. */
    static void typeTheExperiment(Page page, String name, int iterations) {
        page.locator("#corpus-text textarea").fill(SENTENCES);
        page.locator("#corpus-text textarea").blur();
        page.waitForSelector("text=/[1-9]\\d* sentences · \\d+ tokens/");
        page.locator("#name input").fill(name);
        page.locator("#iterations input").fill(String.valueOf(iterations));
        page.locator("#hidden input").fill("16");
        page.locator("#window input").fill("12");
        page.locator("#window input").press("Tab");
        // the one length a student sets, and what it is in passes over the sentences
        page.waitForSelector("#run-length:has-text('Each model trains " + iterations + " iterations')");
    }

    static int points(Page page, String chartId) {
        Object n = page.evalOnSelector("#" + chartId, "e => e.points");
        return ((Number) n).intValue();
    }

    @Test
    void typeTrainWatchAskCompareShareAndOutliveARestart() {
        String db = TestServers.newInMemoryDatabase();
        Server server = TestServers.start(db, 0, 1);
        Server restarted = null;
        try (Playwright playwright = BrowserSmokeTest.createPlaywright();
                Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            String base = "http://localhost:" + server.port();
            BrowserContext student = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
            Page page = student.newPage();
            page.setDefaultTimeout(60_000);
            page.navigate(base + "/");
            typeTheExperiment(page, "Indian languages", 40);
            shot(page, "1-new-experiment");
            page.locator("#window input").press("Tab"); // commits the last field before the click
            page.waitForTimeout(500);
            page.locator("#train").click();
            try {
                page.waitForURL("**/experiments/**", new Page.WaitForURLOptions().setTimeout(20_000));
            } catch (com.microsoft.playwright.TimeoutError e) {
                shot(page, "1-train-refused");
                throw new AssertionError("Train did not open the experiment; the form says: " + page.locator("#form-error").innerText(), e);
            }
            page.waitForSelector("#diagnosis");
            String experimentUrl = page.url();
            assertEquals(0, ((Number) page.evaluate("() => window.scrollY")).intValue(), "the experiment opens at its top");

            // both runs finish; the charts fill and the diagnosis speaks
            page.waitForFunction("() => document.querySelectorAll('.gl-status').length === 2 && "
                    + "[...document.querySelectorAll('.gl-status')].every(s => s.textContent === 'completed')", null,
                    new Page.WaitForFunctionOptions().setTimeout(120_000));
            page.waitForFunction("() => { const c = document.querySelector('#chart-flow'); return c && c.points > 0; }");
            assertTrue(points(page, "chart-loss") >= 2 * 10, "both loss curves drawn: " + points(page, "chart-loss"));
            assertTrue(points(page, "chart-grad-norm") > 0);
            assertTrue(points(page, "chart-spectral") > 0);
            assertTrue(page.locator("#diagnosis").innerText().contains("gradient"), page.locator("#diagnosis").innerText());
            // the total each run counted is what the form said
            assertEquals(2, page.locator(".gl-run-card:has-text('iteration 40 of 40')").count());
            shot(page, "2-experiment-trained");

            page.locator("#prefix input").fill("marathi is spoken in");
            page.locator("#ask").click();
            page.waitForSelector(".gl-answer li");
            assertEquals(10, page.locator(".gl-answer li").count(), "top five from each model");
            shot(page, "3-next-word");

            // inside one sentence: the words shaded by what each prediction used, and each model's charts drawn
            page.locator("#xray-text input").fill("marathi is spoken in");
            page.locator("#xray-go").click();
            page.waitForFunction("() => [...document.querySelectorAll('.gl-xray gl-chart')].length > 0 "
                    + "&& [...document.querySelectorAll('.gl-xray gl-chart')].every(c => c.points > 0)");
            assertEquals(8, page.locator(".gl-xray-words span[data-saliency]").count(), "four words, for each model");
            for (String chart : List.of("xray-saliency", "xray-factors")) assertEquals(2, page.locator("gl-chart." + chart).count(), chart);
            assertEquals(1, page.locator("gl-chart.xray-hidden").count(), "the RNN's hidden state");
            assertEquals(1, page.locator("gl-chart.xray-forget").count(), "the LSTM's forget gate");
            // each model's saliency bars grow with saliency: the longest bar is the word its shading marks as most used,
            // and the bars rank the words as the shading does (issue 33: on a log axis they once hung from the top)
            @SuppressWarnings("unchecked")
            List<List<Number>> bars = (List<List<Number>>) page.evaluate("() => [...document.querySelectorAll('gl-chart.xray-saliency')]"
                    + ".map(c => JSON.parse(c.option).series.find(s => s.type === 'bar').data)");
            @SuppressWarnings("unchecked")
            List<List<String>> shades = (List<List<String>>) page.evaluate("() => [...document.querySelectorAll('.gl-xray-words')]"
                    + ".map(w => [...w.querySelectorAll('span[data-saliency]')].map(s => s.dataset.saliency))");
            assertEquals(2, bars.size());
            for (int model = 0; model < 2; model++) {
                List<Number> bar = bars.get(model);
                List<String> shade = shades.get(model);
                for (int a = 0; a < bar.size(); a++) {
                    for (int b = 0; b < bar.size(); b++) {
                        if (Double.parseDouble(shade.get(a)) > Double.parseDouble(shade.get(b)) + 1e-3) {
                            assertTrue(bar.get(a).doubleValue() >= bar.get(b).doubleValue(), "model " + model + ": word " + a
                                    + " is used more than word " + b + " (" + shade + ") but its bar is shorter: " + bar);
                        }
                    }
                }
                assertEquals("1.0000", shade.get(longest(bar)), "model " + model + ": the longest bar is the most-used word: " + bar + " " + shade);
            }
            shot(page, "3b-sentence-xray");
            String shareLink = base + "/runs/" + page.locator(".gl-status").first().getAttribute("data-run");

            page.navigate(base + "/runs");
            page.waitForSelector("#runs-grid vaadin-grid-cell-content >> text=completed");
            assertEquals(2, page.locator("#runs-grid vaadin-grid-cell-content a:has-text('Indian languages')").count(),
                    "each run named by its experiment");
            // each run's tick is named for a screen reader by its experiment and arm
            page.getByLabel("Compare Indian languages, arm 1 (rnn)").check();
            page.getByLabel("Compare Indian languages, arm 2 (lstm)").check();
            page.locator("#compare").click();
            page.waitForURL("**/compare?runs=**");
            page.waitForFunction("() => { const c = document.querySelector('#chart-compare'); return c && c.points > 0; }");
            // the table's losses are the final ones, labelled as such, beside the best validation loss
            assertTrue(page.locator("vaadin-grid-sorter, vaadin-grid-cell-content").filter(
                    new com.microsoft.playwright.Locator.FilterOptions().setHasText("Final train loss (last 20 steps)")).count() > 0);
            assertTrue(page.locator("vaadin-grid-cell-content:has-text('Best validation loss')").count() > 0);
            // Compare names each run by its experiment and its arm, so two runs of one experiment do not read alike
            List<String> names = page.locator("#compare-table vaadin-grid-cell-content").allInnerTexts().stream()
                    .filter(t -> t.startsWith("Indian languages · ")).toList();
            assertEquals(2, names.size(), names.toString());
            assertEquals(2, new java.util.HashSet<>(names).size(), "two different names: " + names);
            shot(page, "4-compare");
            String compareUrl = page.url();
            assertTrue(compareUrl.contains("runs="), compareUrl);

            // someone else opens the share link: they see the run, and nothing to change it with
            BrowserContext stranger = browser.newContext();
            Page other = stranger.newPage();
            other.setDefaultTimeout(60_000);
            other.navigate(shareLink);
            other.waitForSelector(".gl-read-only");
            other.waitForFunction("() => { const c = document.querySelector('#chart-loss'); return c && c.points > 0; }");
            assertFalse(other.locator("vaadin-button:has-text('Cancel')").isVisible());
            shot(other, "5-shared-read-only");

            Page compareAgain = stranger.newPage();
            compareAgain.navigate(compareUrl);
            compareAgain.waitForFunction("() => { const c = document.querySelector('#chart-compare'); return c && c.points > 0; }");

            // the server restarts under the student's open experiment page: it says so, then comes back by itself
            page.navigate(experimentUrl);
            page.waitForSelector(".gl-status:has-text('completed')");
            page.evaluate("() => { window.beforeRestart = true; }"); // only this load of the page carries it
            int port = server.port();
            server.close();
            page.waitForFunction("() => document.body.innerText.includes('reconnect') || !!document.querySelector('vaadin-connection-indicator[reconnecting]')");
            shot(page, "6-server-restarting");
            restarted = TestServers.start(db, port, 1);
            page.waitForFunction("() => window.beforeRestart === undefined && !!document.querySelector('h1')"
                    + " && document.querySelector('h1').innerText.includes('Indian languages')");
            page.waitForFunction("() => [...document.querySelectorAll('.gl-status')].filter(s => s.textContent === 'completed').length === 2");
            page.waitForFunction("() => { const c = document.querySelector('#chart-loss'); return c && c.points > 0; }");
            shot(page, "7-back-after-restart");

            // a link to a run that is not there opens the app's own page, not Vaadin's "Could not navigate to …" (issue 33)
            page.navigate(base + "/runs/doesnotexist");
            page.waitForSelector("#not-found");
            assertTrue(page.locator("#not-found").innerText().contains("There is no page at /runs/doesnotexist"));
            assertFalse(page.content().contains("Could not navigate"));
            shot(page, "8-not-found");
        } finally {
            if (restarted != null) restarted.close();
            server.close();
        }
    }

    private static int longest(List<Number> bars) {
        int at = 0;
        for (int i = 1; i < bars.size(); i++) if (bars.get(i) != null && (bars.get(at) == null || bars.get(i).doubleValue() > bars.get(at).doubleValue())) at = i;
        return at;
    }

    /** A tiny sweep from the lesson's card: its page fills in as runs finish, and a point on the chart opens its run. */
    @Test
    void aTinySweepFillsItsChartsAndEachPointOpensItsRun() {
        try (Server server = TestServers.startInMemory(2);
                Playwright playwright = BrowserSmokeTest.createPlaywright();
                Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            String base = "http://localhost:" + server.port();
            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800)).newPage();
            page.setDefaultTimeout(60_000);
            page.navigate(base + "/");
            page.locator("#lesson-distance-sweep").click();
            page.waitForURL("**/new-sweep");
            page.locator("#sweep-distances input").fill("3, 4");
            page.locator("#sweep-iterations input").fill("5");
            page.locator("#sweep-iterations input").press("Tab");
            page.locator("#start-sweep").click();
            page.waitForURL("**/sweeps/**");
            String sweepUrl = page.url();
            assertEquals(sweepUrl, page.locator("#sweep-link input").inputValue(), "the page's own link is the share link");
            // 2 models × 2 distances: four points, each drawn once its run has finished
            page.waitForFunction("() => document.querySelector('#sweep-progress').innerText.includes('4 finished')");
            page.waitForFunction("() => { const c = document.querySelector('#chart-sweep-accuracy'); return c && c.points >= 4 + 4; }");
            page.waitForFunction("() => { const c = document.querySelector('#chart-sweep-flow'); return c && c.points > 0; }");
            assertEquals(4, page.locator("#sweep-points vaadin-grid-cell-content:text-is('completed')").count());
            shot(page, "8-sweep");
            // a point on the accuracy chart is its run's link
            page.locator("#chart-sweep-accuracy").scrollIntoViewIfNeeded();
            Object at = page.evalOnSelector("#chart-sweep-accuracy", "e => { const o = e._chart.getOption();"
                    + " const s = o.series.findIndex(x => x.name === 'rnn runs'); const v = o.series[s].data[0].value;"
                    + " const p = e._chart.convertToPixel({seriesIndex: s}, v); const r = e.getBoundingClientRect();"
                    + " return [r.left + p[0], r.top + p[1]]; }");
            List<?> xy = (List<?>) at;
            page.mouse().click(((Number) xy.get(0)).doubleValue(), ((Number) xy.get(1)).doubleValue());
            page.waitForURL("**/runs/**");
            page.waitForSelector("#diagnosis");
        }
    }

    /**
     * The one worker is busy; a student's experiment waits, and a second student submits three experiments of their
     * own through the API while the first watches: the first arm stays next in line, the second keeps waiting behind
     * it, holding no place a newcomer could push back.
     */
    @Test
    void aPlaceInLineHoldsWhileASecondStudentSubmits() throws Exception {
        try (Server server = TestServers.startInMemory(1);
                Playwright playwright = BrowserSmokeTest.createPlaywright();
                Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            String base = "http://localhost:" + server.port();
            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            // someone's run holds the one worker until it is cancelled
            JsonNode blocker = json.readTree(submit(http, base, null, 1_000_000, 777_001));
            String blockerId = blocker.at("/runs/0/id").asText(), blockerToken = blocker.get("ownerToken").asText();
            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800)).newPage();
            page.setDefaultTimeout(60_000);
            page.navigate(base + "/");
            typeTheExperiment(page, "Waiting my turn", 40);
            page.locator("#train").click();
            page.waitForURL("**/experiments/**");
            page.waitForFunction("() => document.querySelectorAll('.gl-run-card').length === 2 && "
                    + "document.querySelectorAll('.gl-run-card')[0].innerText.includes('next in line')");
            String secondToken = null;
            List<String> seen = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                secondToken = json.readTree(submit(http, base, secondToken, 40, 777_100 + i)).get("ownerToken").asText();
                // the page reads its places again every few seconds: watch it for a while after each submission
                for (int k = 0; k < 16; k++) {
                    List<String> cards = page.locator(".gl-run-card").allInnerTexts();
                    seen.add(cards.toString());
                    assertTrue(cards.get(0).contains("next in line"), "the first arm was pushed back: " + seen);
                    assertTrue(cards.get(1).contains("after your earlier run") && !cards.get(1).contains("in line"),
                            "the second arm took or lost a place: " + seen);
                    page.waitForTimeout(250);
                }
            }
            shot(page, "9-place-in-line");
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs/" + blockerId + "/cancel"))
                    .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + blockerToken).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    /** Posts an experiment of two tiny arms (one with {@code seed}'s own seed), as {@code token} or a new student. */
    private static String submit(HttpClient http, String base, String token, int iterations, long seed) throws Exception {
        String body = "{\"name\":\"another student\",\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"},{\"model\":\"lstm\"}],"
                + "\"training\":{\"seed\":" + seed + ",\"maxIterations\":" + iterations + ",\"epochs\":100000,\"hidden\":8,\"embedding\":4,"
                + "\"window\":10,\"batch\":4}}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/experiments")).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        HttpResponse<String> reply = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, reply.statusCode(), reply.body());
        return reply.body();
    }
}
