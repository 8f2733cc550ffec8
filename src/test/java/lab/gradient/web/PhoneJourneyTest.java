package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import lab.gradient.Server;
import lab.gradient.TestServers;
import org.junit.jupiter.api.Test;

/**
 * A student on a 390-px phone types sentences, trains RNN vs LSTM, reads the experiment and compares the runs: every
 * page fits the screen's width (nothing to scroll sideways), the experiment opens at its top, the runs count the
 * steps the form said, My runs names them and Compare shows final values. Screenshots: target/screenshots/phone-*.png.
 */
class PhoneJourneyTest {
    static final int WIDTH = 390;

    /** Nothing wider than the screen; a screenshot of the step. */
    static void fits(Page page, String name) {
        page.waitForTimeout(500);
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "phone-" + name + ".png")).setFullPage(true));
        int width = ((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue();
        assertTrue(width <= WIDTH, name + " is " + width + " px wide on a " + WIDTH + "-px phone");
    }

    static BrowserContext phone(Browser browser) {
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(WIDTH, 844).setDeviceScaleFactor(2)
                .setIsMobile(true).setHasTouch(true));
    }

    @Test
    void aStudentTrainsAndComparesOnAPhone() {
        try (Server server = TestServers.startInMemory(2);
                Playwright playwright = BrowserSmokeTest.createPlaywright();
                Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            String base = "http://localhost:" + server.port();
            Page page = phone(browser).newPage();
            page.setDefaultTimeout(60_000);
            page.navigate(base + "/");
            page.waitForSelector("#train");
            fits(page, "1-new-experiment");
            StudentJourneyTest.typeTheExperiment(page, "A rather long experiment name for a small screen", 60);
            fits(page, "2-form-filled");
            page.waitForTimeout(500);
            page.locator("#train").tap();
            page.waitForURL("**/experiments/**");
            page.waitForSelector("#diagnosis");
            assertEquals(0, ((Number) page.evaluate("() => window.scrollY")).intValue(), "the experiment opens at its top");
            page.waitForSelector(".gl-run-card");
            fits(page, "3-experiment-training");

            page.waitForFunction("() => document.querySelectorAll('.gl-status').length === 2 && "
                    + "[...document.querySelectorAll('.gl-status')].every(s => s.textContent === 'completed')", null,
                    new Page.WaitForFunctionOptions().setTimeout(120_000));
            assertEquals(2, page.locator(".gl-run-card:has-text('iteration 60 of 60')").count(), "the total the form said");
            page.waitForFunction("() => { const c = document.querySelector('#chart-flow'); return c && c.points > 0; }");
            fits(page, "4-experiment-trained");

            page.navigate(base + "/runs");
            page.waitForSelector("#runs-grid vaadin-grid-cell-content >> text=completed");
            assertEquals(2, page.locator("#runs-grid vaadin-grid-cell-content a:has-text('A rather long experiment name')").count(),
                    "each run named by its experiment");
            fits(page, "5-my-runs");
            page.locator("#runs-tick-all").tap();
            page.locator("#compare").tap();
            page.waitForURL("**/compare?runs=**");
            page.waitForFunction("() => { const c = document.querySelector('#chart-compare'); return c && c.points > 0; }");
            assertTrue(page.locator("vaadin-grid-sorter, vaadin-grid-cell-content").filter(
                    new Locator.FilterOptions().setHasText("Final train loss (last 20 steps)")).count() > 0);
            fits(page, "6-compare");
        }
    }
}
