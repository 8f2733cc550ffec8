package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.ElementHandle;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.Cookie;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lab.gradient.Server;
import lab.gradient.TestServers;
import org.junit.jupiter.api.Test;

/**
 * A classroom in Debian's Chromium against the real server: the teacher creates a lab in one browser, two students
 * join it in two others (one with a name full of markup), train in the lab, and the dashboard shows everyone's runs
 * live; a student cannot touch another's run, the teacher can (deleting asks first; a run the teacher cancels says so
 * on the student's page), the dashboard fits a phone, and nobody's name runs as script. Screenshots:
 * target/screenshots/teacher-*.png.
 */
class LabJourneyTest {
    static final String LAB_NAME = "<script>window.__pwned=1</script> Week 5 \"vanishing\"";
    static final String HOSTILE = "<img src=x onerror=window.__pwned=2>";
    static final String ASHA = "Asha'); DROP TABLE labs;--";

    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "teacher-" + name + ".png")).setFullPage(true));
    }

    static Page newBrowser(Browser browser, AtomicInteger dialogs) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        Page page = context.newPage();
        page.setDefaultTimeout(60_000);
        page.onDialog(d -> {
            dialogs.incrementAndGet();
            d.dismiss();
        });
        return page;
    }

    static void join(Page page, String base, String code, String name) {
        page.navigate(base + "/join/" + code);
        page.locator("#join-name input").fill(name);
        page.locator("#join-name input").press("Tab");
        page.locator("#join").click();
        page.waitForURL("**/labs/**");
        page.waitForSelector("#lab-runs");
    }

    static void trainInLab(Page page, int iterations) {
        page.locator("#lab-new-experiment").click();
        page.waitForSelector("#lab-banner");
        page.locator("#iterations input").fill(String.valueOf(iterations));
        page.locator("#hidden input").fill("8");
        page.locator("#iterations input").press("Tab");
        page.waitForTimeout(300);
        page.locator("#train").click();
        page.waitForURL("**/experiments/**");
    }

    @Test
    void aTeacherRunsALabForTwoStudents() {
        try (Server server = TestServers.startInMemory();
                Playwright playwright = BrowserSmokeTest.createPlaywright();
                Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            String base = "http://localhost:" + server.port();
            AtomicInteger dialogs = new AtomicInteger();

            // the teacher creates the lab: the seed sentences fixed, RNN and LSTM only
            Page teacher = newBrowser(browser, dialogs);
            teacher.navigate(base + "/labs/new");
            teacher.locator("#lab-name input").fill(LAB_NAME);
            teacher.locator("#lab-name input").press("Tab");
            teacher.locator("#lab-sentences").click();
            teacher.locator("vaadin-select-item:has-text('seed-examples')").click();
            for (String model : List.of("rnn-relu", "rnn-leaky", "irnn", "rnn-skip")) {
                teacher.locator("vaadin-checkbox > label:text-is('" + model + "')").click();
            }
            teacher.locator("#create-lab").click();
            teacher.waitForURL("**/labs/**");
            teacher.waitForSelector("#join-code");
            String code = teacher.locator("#join-code").innerText().trim();
            assertTrue(code.matches("[A-HJKMNP-Z2-9]{6}"), code);
            assertEquals(LAB_NAME, teacher.locator("h1").innerText(), "the lab name is shown exactly as typed");
            String teacherLink = teacher.locator("#teacher-link input").inputValue();
            assertTrue(teacherLink.contains("?key="), teacherLink);
            List<Cookie> cookies = teacher.context().cookies();
            Cookie teacherCookie = cookies.stream().filter(c -> c.name.equals("gl_teacher")).findFirst().orElseThrow();
            assertTrue(teacherCookie.httpOnly, "the teacher token is out of reach of scripts");
            shot(teacher, "1-created");

            // two students join from their own browsers and train
            Page asha = newBrowser(browser, dialogs);
            join(asha, base, code.toLowerCase(), ASHA);
            trainInLab(asha, 30);
            Page other = newBrowser(browser, dialogs);
            join(other, base, code, HOSTILE);
            trainInLab(other, 30);
            shot(other, "2-student-experiment");

            // a stranger's browser sees no runs, and no way in: the join code is the teacher's to give
            Page stranger = newBrowser(browser, dialogs);
            stranger.navigate(base + "/labs/" + teacher.url().replaceAll(".*/labs/([^/?]+).*", "$1"));
            stranger.waitForSelector("#lab-members-only");
            assertEquals(0, stranger.locator("#lab-runs").count());
            assertFalse(stranger.content().contains(code), "the join code is nowhere on a stranger's page");

            // the dashboard fills: four runs, each student's name as typed, every run completes
            teacher.reload();
            teacher.waitForSelector("#lab-runs");
            teacher.waitForFunction("() => [...document.querySelectorAll('#lab-runs .gl-status')].length === 4 && "
                    + "[...document.querySelectorAll('#lab-runs .gl-status')].every(s => s.textContent === 'completed')",
                    null, new Page.WaitForFunctionOptions().setTimeout(120_000).setPollingInterval(500));
            assertTrue(teacher.locator("#lab-runs").innerText().contains(HOSTILE), "the student's name is shown as text");
            assertTrue(teacher.locator("#lab-runs").innerText().contains(ASHA));
            teacher.waitForFunction("() => document.querySelector('#chart-lab-loss').points > 0 && document.querySelector('#chart-lab-flow').points > 0");
            // stored and shown exactly as typed (the grid renders its rows a moment after the data arrives)
            teacher.waitForFunction("name => document.querySelector('#leaderboard').innerText.includes(name)", ASHA);
            shot(teacher, "3-dashboard");

            // Asha sees every run but may delete only her own; the teacher may delete any
            asha.navigate(base + "/labs/" + teacher.url().replaceAll(".*/labs/([^/?]+).*", "$1"));
            asha.waitForSelector("#lab-runs .gl-status");
            asha.waitForFunction("() => document.querySelectorAll('#lab-runs .gl-status').length === 4");
            assertEquals(2, asha.locator("#lab-runs vaadin-button.gl-delete").count(), "her own two runs only");
            assertEquals(4, teacher.locator("#lab-runs vaadin-button.gl-delete").count());
            // the dashboard polls every 2 s; with nothing changed, a poll must leave the rows' buttons where they are, or
            // a click landing on one as the poll redraws it does nothing (this test's delete dialog never came, in CI)
            ElementHandle firstDelete = teacher.locator("#lab-runs vaadin-button.gl-delete").first().elementHandle();
            teacher.waitForTimeout(4_500);
            assertTrue((Boolean) firstDelete.evaluate("b => b.isConnected"), "two polls later, the same delete button is still on the page");
            teacher.locator("#lab-runs vaadin-button.gl-delete").first().click();
            // deleting asks first: nothing is gone until the teacher confirms
            Locator confirm = teacher.locator("vaadin-button[slot='confirm-button']:has-text('Delete')");
            confirm.waitFor();
            assertEquals(4, ((Number) teacher.locator("#lab-runs .gl-status").evaluateAll("s => s.filter(x => x.checkVisibility()).length")).intValue());
            shot(teacher, "3b-delete-asks-first");
            confirm.click();
            // the grid keeps the cells of a removed row, hidden: count the rows a person sees
            teacher.waitForFunction("() => [...document.querySelectorAll('#lab-runs .gl-status')].filter(s => s.checkVisibility()).length === 3");

            // a long experiment: the student's second run waits its turn and already says how long it will be
            String labPath = "/labs/" + teacher.url().replaceAll(".*/labs/([^/?]+).*", "$1");
            other.navigate(base + labPath);
            other.waitForSelector("#lab-runs");
            // long enough that neither run can end before the teacher's cancel, at our engine's speed (20,000 steps of
            // this tiny model could: the cancel button went before it was clicked)
            trainInLab(other, 200_000);
            other.waitForSelector(".gl-status:has-text('running')");
            other.waitForSelector(".gl-run-card:has-text('iteration 0 of 200000')");
            // the teacher stops it from the dashboard; the student's page says who did
            teacher.reload();
            teacher.waitForSelector("#lab-runs vaadin-button.gl-cancel");
            Locator cancels = teacher.locator("#lab-runs vaadin-button.gl-cancel:visible");
            for (int tries = 0; tries < 10 && cancels.count() > 0; tries++) {
                try {
                    // a button the dashboard's redraw replaces (or disables while its run is being cancelled) mid-click
                    // is tried again on the next round, not waited on for the whole default timeout (CI saw 60 s once)
                    cancels.first().click(new Locator.ClickOptions().setTimeout(5_000));
                } catch (com.microsoft.playwright.TimeoutError replaced) {
                    // the next round finds the buttons as they are now
                }
                teacher.waitForTimeout(1000);
            }
            other.waitForFunction("() => [...document.querySelectorAll('.gl-status')].filter(s => s.textContent === 'cancelled').length === 2");
            other.waitForSelector("text=Cancelled by the lab's teacher");
            shot(other, "4-student-sees-teacher-cancelled");

            // the teacher on a phone: the dashboard fits and each run's Cancel and Delete are within reach
            BrowserContext phone = PhoneJourneyTest.phone(browser);
            phone.addCookies(teacher.context().cookies());
            Page onPhone = phone.newPage();
            onPhone.setDefaultTimeout(60_000);
            onPhone.navigate(base + labPath);
            onPhone.waitForSelector("#lab-runs vaadin-button.gl-delete");
            PhoneJourneyTest.fits(onPhone, "teacher-lab-dashboard");
            Locator delete = onPhone.locator("#lab-runs vaadin-button.gl-delete").first();
            com.microsoft.playwright.options.BoundingBox box = delete.boundingBox();
            assertTrue(box != null && box.x >= 0 && box.x + box.width <= PhoneJourneyTest.WIDTH,
                    "Delete is within the screen: " + (box == null ? "hidden" : box.x + "+" + box.width));
            phone.close();

            // the teacher closes the lab: a latecomer cannot join
            teacher.locator("#lab-open-toggle").click();
            teacher.waitForSelector("#lab-open-toggle:has-text('Open the lab')");
            Page late = newBrowser(browser, dialogs);
            late.navigate(base + "/join/" + code);
            late.locator("#join-name input").fill("Latecomer");
            late.locator("#join-name input").press("Tab");
            late.locator("#join").click();
            late.waitForSelector("#join-error:has-text('closed')");

            for (Page p : List.of(teacher, asha, other)) {
                assertEquals(0, p.locator("img[src='x']").count(), "no element was injected");
                assertTrue(p.evaluate("() => window.__pwned") == null, "no script ran");
            }
            assertEquals(0, dialogs.get());
            assertFalse(teacher.url().contains("key="), "the teacher token never sits in the address bar here");
        }
    }

    /** A class sweep: each student's start is given the next cell, and the teacher's open dashboard draws the points live. */
    @Test
    void aClassSweepFillsInOnTheTeachersOpenDashboard() throws Exception {
        try (Server server = TestServers.startInMemory();
                Playwright playwright = BrowserSmokeTest.createPlaywright();
                Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
            String base = "http://localhost:" + server.port();
            AtomicInteger dialogs = new AtomicInteger();
            // tiny runs, so the test waits seconds, not the lesson's minutes
            var created = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/labs"))
                    .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"name\": \"Where each model breaks\", \"settings\": {\"sweep\": {\"distances\": [3, 4], \"training\": "
                                    + "{\"maxIterations\": 3, \"hidden\": 8, \"embedding\": 8, \"batch\": 8, \"probeEvery\": 1}}}}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            var lab = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body());
            Page teacher = newBrowser(browser, dialogs);
            teacher.navigate(base + lab.at("/links/ui").asText());
            teacher.waitForSelector("#lab-sweep");
            assertEquals(0, teacher.locator("#sweep-points vaadin-grid-cell-content:text-is('completed')").count());

            for (String name : List.of("Asha", "Ravi")) {
                Page student = newBrowser(browser, dialogs);
                join(student, base, lab.get("joinCode").asText(), name);
                student.locator("#lab-new-experiment:has-text('Start your point of the class sweep')").click();
                student.waitForSelector("#lab-sweep-given:has-text('You were given')");
            }
            // the teacher's page, open all along, fills in by itself: both points, each named by its student
            teacher.waitForFunction("() => { const c = document.querySelector('#chart-sweep-accuracy'); return c && c.points >= 2 + 2; }");
            teacher.waitForSelector("#sweep-points vaadin-grid-cell-content:text-is('Ravi')");
            assertEquals(2, teacher.locator("#sweep-points vaadin-grid-cell-content:text-is('completed')").count());
            assertTrue(teacher.locator("#sweep-points vaadin-grid-cell-content:text-is('Asha')").count() == 1);
            shot(teacher, "class-sweep");
            assertEquals(0, dialogs.get());
        }
    }
}
