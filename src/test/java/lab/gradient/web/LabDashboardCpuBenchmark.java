package lab.gradient.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.store.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a class's open lab dashboards cost the server: 30 students in a lab, each with a run training (an LSTM; one
 * seed for the class, so one shared training on one of the server's 2 workers), and each student's own browser
 * (a Chromium context holding that student's cookie) open on {@code /labs/{id}}. The figure is the CPU time of the web
 * server's request threads, where Vaadin answers each page's poll, reads the lab's runs and redraws (as in
 * {@link ExperimentViewCpuBenchmark}): 30 s with no page open, then 30 s with the 30 dashboards open, twice over.
 * Writes {@code target/benchmark-lab-dashboards.txt}; docs/benchmarks.md has figures and command.
 */
@Tag("benchmark")
class LabDashboardCpuBenchmark {
    static final int STUDENTS = 30, WINDOW_SECONDS = 30, REPEATS = 2;

    static HttpResponse<String> send(Server server, String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        return ExperimentViewCpuBenchmark.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thirtyOpenLabDashboardsWhileTheClassTrains() throws Exception {
        try (Server server = TestServers.startInMemory(2)) {
            JsonNode lab = Json.MAPPER.readTree(send(server, "POST", "/api/labs", "{\"name\":\"Week 5\"}", null).body());
            String code = lab.get("joinCode").asText(), labId = lab.get("id").asText();
            String experiment = "{\"name\":\"mine\",\"lab\":\"" + code + "\",\"corpus\":{\"preset\":\"long-range\",\"distance\":20},"
                    + "\"arms\":[{\"model\":\"lstm\"}],\"training\":{\"maxIterations\":1000000,\"epochs\":100000,"
                    + "\"hidden\":64,\"probeEvery\":100}}";
            List<String> tokens = new ArrayList<>();
            String firstRun = null;
            for (int i = 0; i < STUDENTS; i++) {
                String token = Json.MAPPER.readTree(send(server, "POST", "/api/labs/" + code + "/join",
                        "{\"name\":\"Student " + (i + 1) + "\"}", null).body()).get("participantToken").asText();
                tokens.add(token);
                JsonNode created = Json.MAPPER.readTree(send(server, "POST", "/api/experiments", experiment, token).body());
                if (firstRun == null) firstRun = created.at("/runs/0/id").asText();
            }
            while (ExperimentViewCpuBenchmark.get(server, "/api/runs/" + firstRun).at("/progress/iteration").asInt() < 100) Thread.sleep(500);

            List<String> lines = new ArrayList<>();
            lines.add("pages  web request threads' CPU (cores)  LSTM iterations/s  its history at end");
            try (Playwright playwright = BrowserSmokeTest.createPlaywright(); Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
                for (int repeat = 0; repeat < REPEATS; repeat++) {
                    double[] idle = ExperimentViewCpuBenchmark.window(server, firstRun);
                    lines.add(String.format(Locale.ROOT, "%5d  %37.3f  %17.1f  %18.0f", 0, idle[0], idle[1], idle[2]));
                    List<BrowserContext> contexts = new ArrayList<>();
                    long opening = System.nanoTime();
                    for (String token : tokens) {
                        BrowserContext context = browser.newContext();
                        context.addCookies(List.of(new Cookie("gl_owner", token).setDomain("localhost").setPath("/")));
                        Page page = context.newPage();
                        page.navigate("http://localhost:" + server.port() + "/labs/" + labId);
                        // attached: the view is there; thirty tabs on two cores may take long to paint it
                        page.waitForSelector("#lab-runs", new Page.WaitForSelectorOptions()
                                .setState(WaitForSelectorState.ATTACHED).setTimeout(120_000));
                        contexts.add(context);
                    }
                    double openedIn = (System.nanoTime() - opening) / 1e9;
                    Thread.sleep(5000);
                    double[] open = ExperimentViewCpuBenchmark.window(server, firstRun);
                    lines.add(String.format(Locale.ROOT, "%5d  %37.3f  %17.1f  %18.0f", STUDENTS, open[0], open[1], open[2]));
                    lines.add(String.format(Locale.ROOT, "       per page: %.4f cores; the %d pages opened one after another in %.1f s",
                            (open[0] - idle[0]) / STUDENTS, STUDENTS, openedIn));
                    for (BrowserContext c : contexts) c.close();
                }
            }
            String report = String.join("\n", lines);
            System.out.println(report);
            Files.writeString(Path.of("target/benchmark-lab-dashboards.txt"), report + "\n");
        }
    }
}
