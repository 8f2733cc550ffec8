package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.model.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a class's open lab dashboards cost the server: 30 students in a lab, each with a run training (an LSTM; one
 * seed for the class, so one shared training on one of the server's 2 workers), and each student's dashboard
 * {@code /labs/{id}} open. Thirty Chromium tabs on two cores starved the server and themselves (two attempts, see
 * docs/benchmarks.md), so each dashboard here is a browserless Vaadin client over real HTTP: the student's session
 * (cookie), the page, Vaadin's init request, the navigation to the view, then the view's poll every 2 s — the very
 * requests a browser tab sends (recorded from Chromium with Playwright), with the server doing all of its work for
 * each (the lab's runs read, the view redrawn, the changes sent). Figures: the CPU time of the web server's request
 * threads, 30 s with no dashboard open, then 30 s with the 30 open, twice over; and each poll's round trip.
 * Writes {@code target/benchmark-lab-dashboards.txt}; docs/benchmarks.md has figures and command.
 */
@Tag("benchmark")
class LabDashboardCpuBenchmark {
    static final int STUDENTS = 30, WINDOW_SECONDS = 30, REPEATS = 2, POLL_MILLIS = 2000;
    private static final Pattern SECURITY_KEY = Pattern.compile("\"Vaadin-Security-Key\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern UI_ID = Pattern.compile("\"v-uiId\"\\s*:\\s*(\\d+)");
    private static final Pattern SYNC_ID = Pattern.compile("\"syncId\"\\s*:\\s*(\\d+)");

    static HttpResponse<String> send(Server server, String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        return ExperimentViewCpuBenchmark.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One student's open dashboard, as Vaadin's client in a browser tab talks to the server. */
    static final class Dashboard {
        final HttpClient http;
        final String base;
        String securityKey;
        int uiId, syncId, clientId;

        Dashboard(Server server, String token) {
            CookieManager cookies = new CookieManager();
            HttpCookie owner = new HttpCookie("gl_owner", token);
            owner.setPath("/");
            owner.setVersion(0);
            cookies.getCookieStore().add(URI.create("http://localhost:" + server.port() + "/"), owner);
            http = HttpClient.newBuilder().cookieHandler(cookies).build();
            base = "http://localhost:" + server.port();
        }

        /** The page, Vaadin's init (the session, its UI and its CSRF key), then the navigation to the lab's view. */
        void open(String route) throws Exception {
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/" + route)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
            String init = http.send(HttpRequest.newBuilder(URI.create(base + "/?v-r=init&location="
                    + URLEncoder.encode(route, StandardCharsets.UTF_8) + "&query=")).build(), HttpResponse.BodyHandlers.ofString()).body();
            securityKey = group(SECURITY_KEY, init, "the CSRF key");
            uiId = Integer.parseInt(group(UI_ID, init, "the UI id"));
            String navigated = uidl("{\"type\":\"event\",\"node\":1,\"event\":\"ui-navigate\",\"data\":{\"route\":\"" + route
                    + "\",\"query\":\"\",\"appShellTitle\":\"\",\"historyState\":null,\"trigger\":\"\"}}");
            assertTrue(navigated.contains("lab-runs"), "the lab's view was sent: " + navigated.substring(0, Math.min(300, navigated.length())));
        }

        /** The view's poll (UI.setPollInterval): the server refreshes the dashboard and sends what changed. */
        String poll() throws Exception {
            return uidl("{\"type\":\"event\",\"node\":1,\"event\":\"ui-poll\"}");
        }

        private String uidl(String rpc) throws Exception {
            String body = "{\"csrfToken\":\"" + securityKey + "\",\"rpc\":[" + rpc + "],\"syncId\":" + syncId + ",\"clientId\":" + clientId++ + "}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/?v-r=uidl&v-uiId=" + uiId))
                    .header("Content-Type", "application/json; charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            // the last state the server sent, which the next message acknowledges, as Vaadin's client does
            Matcher m = SYNC_ID.matcher(r.body());
            while (m.find()) syncId = Integer.parseInt(m.group(1));
            assertTrue(!r.body().contains("\"resynchronize\""), "the server asked to resynchronise: the protocol was not followed");
            return r.body();
        }

        private static String group(Pattern p, String text, String what) {
            Matcher m = p.matcher(text);
            assertTrue(m.find(), what + " in " + text.substring(0, Math.min(300, text.length())));
            return m.group(1);
        }
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
            lines.add("dashboards | web request threads' CPU (cores) | LSTM iterations/s | polls | poll round trip p50 / p95 / max ms");
            ExecutorService students = Executors.newFixedThreadPool(STUDENTS);
            try {
                for (int repeat = 0; repeat < REPEATS; repeat++) {
                    double[] idle = ExperimentViewCpuBenchmark.window(server, firstRun);
                    lines.add(String.format(Locale.ROOT, "%10d | %32.3f | %17.1f | %5s |", 0, idle[0], idle[1], "-"));
                    List<Dashboard> open = new ArrayList<>();
                    for (String token : tokens) {
                        Dashboard d = new Dashboard(server, token);
                        d.open("labs/" + labId);
                        open.add(d);
                    }
                    // each open dashboard polls every 2 s, each at its own moment, as tabs opened one after another do
                    AtomicBoolean stop = new AtomicBoolean();
                    List<Double> roundTrips = Collections.synchronizedList(new ArrayList<>());
                    List<Future<?>> polling = new ArrayList<>();
                    for (int i = 0; i < open.size(); i++) {
                        Dashboard d = open.get(i);
                        long offset = (long) i * POLL_MILLIS / open.size();
                        polling.add(students.submit(() -> {
                            Thread.sleep(offset);
                            while (!stop.get()) {
                                long t0 = System.nanoTime();
                                d.poll();
                                roundTrips.add((System.nanoTime() - t0) / 1e6);
                                Thread.sleep(POLL_MILLIS);
                            }
                            return null;
                        }));
                    }
                    Thread.sleep(5000);
                    roundTrips.clear();
                    double[] busy = ExperimentViewCpuBenchmark.window(server, firstRun);
                    List<Double> sorted = new ArrayList<>(roundTrips);
                    stop.set(true);
                    for (Future<?> f : polling) f.get();
                    Collections.sort(sorted);
                    lines.add(String.format(Locale.ROOT, "%10d | %32.3f | %17.1f | %5d | %.1f / %.1f / %.1f", STUDENTS, busy[0], busy[1],
                            sorted.size(), pct(sorted, 50), pct(sorted, 95), sorted.get(sorted.size() - 1)));
                    lines.add(String.format(Locale.ROOT, "  per dashboard: %.4f cores", (busy[0] - idle[0]) / STUDENTS));
                }
            } finally {
                students.shutdownNow();
            }
            String report = String.join("\n", lines);
            System.out.println(report);
            Files.writeString(Path.of("target/benchmark-lab-dashboards.txt"), report + "\n");
        }
    }

    static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
