package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.model.Json;
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
            JsonNode lab = AccessibilityTest.post(base, "/api/labs", "{\"name\":\"Monday's class on vanishing gradients\","
                    + "\"settings\":{\"lesson\":\"vanishing\"}}");
            Page page = PhoneJourneyTest.phone(browser).newPage();
            page.setDefaultTimeout(60_000);
            page.navigate(base + lab.at("/links/ui").asText());
            page.waitForSelector("#join-code");
            PhoneJourneyTest.fits(page, "dashboard");
            double right = ((Number) page.evaluate("() => { const b = [...document.querySelectorAll('vaadin-button')]"
                    + ".find(b => b.textContent.startsWith('Start the lesson')); return b ? b.getBoundingClientRect().right : -1; }")).doubleValue();
            assertTrue(right > 0 && right <= PhoneJourneyTest.WIDTH, "the start button ends at " + right + " px");

            // with runs in the grid, each row's actions stay on the screen: the grid scrolls sideways inside itself, its
            // actions column frozen at the end, and the teacher's own controls wrap within the page
            page.locator("#lab-new-experiment").click();
            try {
                page.waitForURL("**/experiments/**", new Page.WaitForURLOptions().setTimeout(30_000));
            } catch (com.microsoft.playwright.TimeoutError e) {
                PhoneJourneyTest.fits(page, "dashboard-start-failed");
                throw new AssertionError("the lesson did not start: " + page.locator("#lab-start-error").innerText(), e);
            }
            page.navigate(base + lab.at("/links/ui").asText());
            page.waitForSelector("#lab-runs vaadin-button.gl-cancel");
            PhoneJourneyTest.fits(page, "dashboard-with-runs");
            for (String action : java.util.List.of("#lab-runs vaadin-button.gl-cancel", "#lab-runs vaadin-button.gl-delete", "#lab-open-toggle", "#lab-export")) {
                JsonNode box = Json.read((String) page.evaluate("s => { const r = document.querySelector(s).getBoundingClientRect();"
                        + " return JSON.stringify({left: r.left, right: r.right, width: r.width}); }", action), JsonNode.class);
                assertTrue(box.get("width").asDouble() > 0 && box.get("left").asDouble() >= 0 && box.get("right").asDouble() <= PhoneJourneyTest.WIDTH,
                        action + " is on the screen: " + box);
            }
        }
    }
}
