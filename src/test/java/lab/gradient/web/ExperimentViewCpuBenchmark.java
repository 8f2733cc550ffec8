package lab.gradient.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.model.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What open experiment pages cost the server while a run trains: the CPU time of the web server's request threads
 * (where Vaadin answers each page's poll and redraws it, reading the database on that thread) over a 30 s window
 * with no page open, then with 10 pages open (10 Chromium contexts), three times over. Training's own threads (Java
 * and native) are left out, so the figure does not move with how fast training goes, which ten Chromium tabs on two
 * cores slow down. Writes {@code target/benchmark-experiment-view.txt}; docs/benchmarks.md has figures and command.
 */
@Tag("benchmark")
class ExperimentViewCpuBenchmark {
    static final int PAGES = 10, WINDOW_SECONDS = 30, REPEATS = 3;
    static final HttpClient http = HttpClient.newHttpClient();

    /** CPU seconds so far of each live request thread of the web server, by thread id. */
    static Map<Long, Double> webThreadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Double> out = new HashMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("JettyServerThreadPool")) out.put(t.getThreadId(), threads.getThreadCpuTime(t.getThreadId()) / 1e9);
        }
        return out;
    }

    /** CPU seconds the request threads used since {@code before} (a thread started since counts from zero). */
    static double webCpuSince(Map<Long, Double> before) {
        double used = 0;
        for (Map.Entry<Long, Double> t : webThreadCpu().entrySet()) used += t.getValue() - before.getOrDefault(t.getKey(), 0.0);
        return used;
    }

    static JsonNode get(Server server, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(r.body());
    }

    /** CPU seconds per wall second over one window, and the iterations the run advanced meanwhile. */
    static double[] window(Server server, String runId) throws Exception {
        int before = get(server, "/api/runs/" + runId).at("/progress/iteration").asInt();
        Map<Long, Double> cpu = webThreadCpu();
        long start = System.nanoTime();
        Thread.sleep(WINDOW_SECONDS * 1000L);
        double wall = (System.nanoTime() - start) / 1e9;
        double used = webCpuSince(cpu);
        int after = get(server, "/api/runs/" + runId).at("/progress/iteration").asInt();
        return new double[] {used / wall, (after - before) / wall, after};
    }

    @Test
    void tenOpenPagesOnATrainingRun() throws Exception {
        try (Server server = TestServers.startInMemory(1)) {
            String body = "{\"name\":\"cpu\",\"corpus\":{\"preset\":\"long-range\",\"distance\":20},\"arms\":[{\"model\":\"lstm\"}],"
                    + "\"training\":{\"maxIterations\":1000000,\"epochs\":100000,\"probeEvery\":100}}";
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/experiments"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode experiment = Json.MAPPER.readTree(created.body());
            String runId = experiment.at("/runs/0/id").asText();
            while (get(server, "/api/runs/" + runId).at("/progress/iteration").asInt() < 300) Thread.sleep(500);

            List<String> lines = new ArrayList<>();
            lines.add("pages  web request threads' CPU (cores)  iterations/s  history at end");
            try (Playwright playwright = BrowserSmokeTest.createPlaywright(); Browser browser = BrowserSmokeTest.launchChromium(playwright)) {
                for (int repeat = 0; repeat < REPEATS; repeat++) {
                    double[] idle = window(server, runId);
                    lines.add(String.format(Locale.ROOT, "%5d  %37.3f  %12.1f  %14.0f", 0, idle[0], idle[1], idle[2]));
                    List<BrowserContext> contexts = new ArrayList<>();
                    for (int p = 0; p < PAGES; p++) {
                        BrowserContext context = browser.newContext();
                        Page page = context.newPage();
                        page.navigate("http://localhost:" + server.port() + experiment.at("/links/ui").asText());
                        page.waitForSelector("#chart-loss");
                        contexts.add(context);
                    }
                    Thread.sleep(5000);
                    double[] open = window(server, runId);
                    lines.add(String.format(Locale.ROOT, "%5d  %37.3f  %12.1f  %14.0f", PAGES, open[0], open[1], open[2]));
                    lines.add(String.format(Locale.ROOT, "       per page: %.4f cores", (open[0] - idle[0]) / PAGES));
                    for (BrowserContext c : contexts) c.close();
                }
            }
            String report = String.join("\n", lines);
            System.out.println(report);
            Files.writeString(Path.of("target/benchmark-experiment-view.txt"), report + "\n");
        }
    }
}
