package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.BoundingBox;
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
 * On a 390-px phone every page fits its width (nothing to scroll sideways), and the teacher reaches a run's Cancel
 * and Delete without scrolling the runs grid. Screenshots land in target/screenshots/phone-*.png.
 */
class PhoneLayoutTest {
    static final int WIDTH = 390;
    static final HttpClient http = HttpClient.newHttpClient();

    static JsonNode post(Server server, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return Json.MAPPER.readTree(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    static void fits(Page page, String name) {
        page.waitForTimeout(500);
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "phone-" + name + ".png")).setFullPage(true));
        int width = ((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue();
        assertTrue(width <= WIDTH, name + " is " + width + " px wide on a " + WIDTH + "-px phone");
    }

    @Test
    void everyPageFitsAPhoneAndTheTeachersControlsAreInReach() throws Exception {
        try (Server server = TestServers.startInMemory(1)) {
            String base = "http://localhost:" + server.port();
            JsonNode lab = post(server, "/api/labs", "{\"name\":\"Week 5: vanishing gradients on the long-range task\"}", null);
            String student = post(server, "/api/labs/" + lab.get("joinCode").asText() + "/join", "{\"name\":\"Asha Venkataraman\"}", null)
                    .get("participantToken").asText();
            JsonNode experiment = post(server, "/api/experiments", "{\"name\":\"A rather long experiment name for a small screen\",\"lab\":\""
                    + lab.get("joinCode").asText() + "\",\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"},"
                    + "{\"model\":\"lstm\"}],\"training\":{\"maxIterations\":1000000,\"epochs\":100000,\"hidden\":8,\"embedding\":4}}", student);

            try (Playwright playwright = BrowserSmokeTest.createPlaywright(); Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
                BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(WIDTH, 844)
                        .setDeviceScaleFactor(2).setIsMobile(true).setHasTouch(true));
                Page page = phone.newPage();
                page.setDefaultTimeout(60_000);
                page.navigate(base + "/");
                page.waitForSelector("#train");
                fits(page, "1-new-experiment");
                page.navigate(base + experiment.at("/links/ui").asText());
                page.waitForSelector(".gl-run-card");
                page.waitForSelector(".gl-status:has-text('running')");
                fits(page, "2-experiment");

                // the teacher's dashboard: the running runs' Cancel and Delete sit inside the screen
                page.navigate(base + lab.at("/links/ui").asText());
                page.waitForSelector("#lab-runs vaadin-button.gl-delete");
                fits(page, "3-lab-teacher");
                Locator delete = page.locator("#lab-runs vaadin-button.gl-delete").first();
                BoundingBox box = delete.boundingBox();
                assertTrue(box != null && box.x >= 0 && box.x + box.width <= WIDTH, "Delete is within the screen: " + (box == null ? "hidden" : box.x + "+" + box.width));
                assertTrue(delete.isVisible());
                assertEquals(2, page.locator("#lab-runs vaadin-button.gl-cancel").count());
                page.navigate(base + "/runs");
                page.waitForSelector("h1");
                fits(page, "4-my-runs");
            }
        }
    }
}
