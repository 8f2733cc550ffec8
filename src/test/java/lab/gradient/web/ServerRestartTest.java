package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.store.Json;
import org.junit.jupiter.api.Test;

/**
 * An open experiment page outlives a server restart: while the server is down it says it is reconnecting, and once
 * the server is back (its sessions gone) the page reloads by itself and shows the experiment again, not a blank page.
 */
class ServerRestartTest {
    @Test
    void anOpenPageComesBackByItselfAfterTheServerRestarts() throws Exception {
        String db = TestServers.newInMemoryDatabase();
        Server first = TestServers.start(db, 0, 1);
        int port = first.port();
        String base = "http://localhost:" + port;
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/experiments"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"Survives a restart\",\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],"
                                + "\"training\":{\"maxIterations\":20,\"hidden\":8,\"embedding\":4}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        JsonNode experiment = Json.MAPPER.readTree(created.body());
        Server second = null;
        try (Playwright playwright = BrowserSmokeTest.createPlaywright(); Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
            Page page = context.newPage();
            page.setDefaultTimeout(60_000);
            page.navigate(base + experiment.at("/links/ui").asText());
            page.waitForSelector("h1:has-text('Survives a restart')");
            page.waitForSelector(".gl-status:has-text('completed')");
            // a mark that only this load of the page carries: a reload clears it
            page.evaluate("() => { window.beforeRestart = true; }");

            first.close();
            page.waitForFunction("() => document.body.innerText.includes('reconnect') || !!document.querySelector('vaadin-connection-indicator[reconnecting]')");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "restart-1-reconnecting.png")));

            second = TestServers.start(db, port, 1);
            page.waitForFunction("() => window.beforeRestart === undefined && !!document.querySelector('h1')"
                    + " && document.querySelector('h1').innerText.includes('Survives a restart')");
            page.waitForSelector(".gl-status:has-text('completed')");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "restart-2-back.png")).setFullPage(true));
            assertTrue(page.locator("#chart-loss").isVisible(), "the charts are back");
        } finally {
            if (second != null) second.close();
            first.close();
        }
    }
}
