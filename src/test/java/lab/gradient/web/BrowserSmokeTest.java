package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import lab.gradient.Server;
import lab.gradient.TestServers;
import org.junit.jupiter.api.Test;

/** The real app in Debian's Chromium: the page loads, Vaadin renders, the title is ours. */
class BrowserSmokeTest {

    /** Debian's Chromium; Playwright must never download a browser of its own. */
    public static Browser launchChromium(Playwright playwright) {
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get("/usr/bin/chromium"))
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run")));
    }

    public static Playwright createPlaywright() {
        return Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    @Test
    void homePageRendersWithTheAppTitle() throws Exception {
        try (Server server = TestServers.startInMemory();
                Playwright playwright = createPlaywright();
                Browser browser = launchChromium(playwright)) {
            Page page = browser.newPage();
            page.navigate("http://localhost:" + server.port() + "/");
            page.waitForSelector("h1:has-text('New experiment')");
            assertEquals("Gradient Lab", page.title());
            Path shot = Path.of("target", "screenshots", "home.png");
            Files.createDirectories(shot.getParent());
            page.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
            assertTrue(Files.size(shot) > 1000, "a screenshot was written");
        }
    }
}
