package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.store.Json;
import org.junit.jupiter.api.Test;

/**
 * A teacher opens the lab's dashboard on a 390-px phone (issue 33: it was 592 px wide, its start button and teacher
 * link did not shrink): the page fits the screen and the start button is within it. Screenshot:
 * target/screenshots/phone-dashboard.png.
 */
class PhoneDashboardTest {
    @Test
    void theTeachersDashboardFitsAPhone() throws Exception {
        try (Server server = TestServers.startInMemory(1);
                Playwright playwright = BrowserSmokeTest.createPlaywright();
                Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            String base = "http://localhost:" + server.port();
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/labs"))
                    .header("Content-Type", "application/json").header("Origin", base)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Monday's class on vanishing gradients\","
                            + "\"settings\":{\"lesson\":\"vanishing\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode lab = Json.read(created.body(), JsonNode.class);
            Page page = PhoneJourneyTest.phone(browser).newPage();
            page.setDefaultTimeout(60_000);
            page.navigate(base + lab.at("/links/ui").asText());
            page.waitForSelector("#join-code");
            PhoneJourneyTest.fits(page, "dashboard");
            double right = ((Number) page.evaluate("() => { const b = [...document.querySelectorAll('vaadin-button')]"
                    + ".find(b => b.textContent.startsWith('Start the lesson')); return b ? b.getBoundingClientRect().right : -1; }")).doubleValue();
            assertTrue(right > 0 && right <= PhoneJourneyTest.WIDTH, "the start button ends at " + right + " px");
        }
    }
}
