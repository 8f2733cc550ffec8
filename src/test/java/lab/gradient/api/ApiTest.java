package lab.gradient.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lab.gradient.Server;
import lab.gradient.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API on the real server over real HTTP: every route, every error code, and who may do what. */
class ApiTest {
    static Server server;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();
    static final String TINY = """
            {"maxIterations": 15, "hidden": 8, "embedding": 4, "window": 10, "batch": 4, "probeEvery": 5}""";
    /** As TINY, but it trains until cancelled: neither an iteration cap nor its epochs end it while a test runs. */
    static final String ENDLESS = """
            {"maxIterations": 1000000, "epochs": 100000, "hidden": 8, "embedding": 4, "window": 10, "batch": 4, "probeEvery": 5}""";

    record Reply(int status, JsonNode body, String text, HttpResponse<String> raw) {}

    @BeforeAll
    static void start() {
        server = TestServers.startInMemory();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Reply send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        ApiContract.check(method, r);
        JsonNode node = null;
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/json") && !r.body().isEmpty()) node = json.readTree(r.body());
        return new Reply(r.statusCode(), node, r.body(), r);
    }

    static Reply get(String path, String token) throws Exception {
        return send("GET", path, null, token);
    }

    static Reply post(String path, String body, String token) throws Exception {
        return send("POST", path, body, token);
    }

    static Reply submit(String token, String arms, String training) throws Exception {
        return post("/api/experiments", "{\"name\":\"api test\",\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":" + arms
                + ",\"training\":" + training + "}", token);
    }

    /** A token the server issued to someone else: a new lab's teacher token (no run trains for it). */
    static String issuedToken() throws Exception {
        return post("/api/labs", "{\"name\":\"another owner\"}", null).body().get("teacherToken").asText();
    }

    /** Only server-issued tokens are identities: a client cannot pick its own, and anonymous owners count per address. */
    @Test
    void aTokenTheServerDidNotIssueIsRefused() throws Exception {
        assertError(post("/api/experiments", "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],\"training\":"
                + TINY + "}", "client-chosen-token-0"), 401, null);
        assertError(get("/api/runs", "client-chosen-token-0"), 401, null);
        assertError(post("/api/labs/ABCDEF/join", "{\"name\":\"Mallory\"}", "client-chosen-token-0"), 401, null);
        Reply created = submit(null, "[{\"model\":\"rnn\"}]", TINY);
        String token = created.body().get("ownerToken").asText();
        assertTrue(token.length() >= 40, "the server draws ≥ 256 random bits");
        assertEquals(200, get("/api/runs", token).status(), "the issued token works");
        awaitFinished(created.body().at("/runs/0/id").asText());
    }

    /** What the probe slipped past the parser: each is now refused with its field, and nothing is stored. */
    @Test
    void inputThatCannotBeStoredRightOrCannotTrainIsRefusedWhenSubmitted() throws Exception {
        String arms = "\"arms\":[{\"model\":\"rnn\"}],\"training\":" + TINY;
        String body = "{\"corpus\":{\"preset\":\"seed-examples\"}," + arms + "}";
        assertError(post("/api/experiments", body + " {}", null), 400, null);
        assertError(post("/api/experiments", body + body, null), 400, null);
        assertError(post("/api/experiments", body + " x", null), 400, null);
        assertError(post("/api/experiments", "{\"name\":\"a\\u0000b\"," + body.substring(1), null), 400, "name");
        assertError(post("/api/experiments", "{\"name\":\"tab\\tthen\\u202eevil\"," + body.substring(1), null), 400, "name");
        assertError(post("/api/experiments", "{\"name\":\"half \\ud800 pair\"," + body.substring(1), null), 400, "name");
        assertError(post("/api/labs", "{\"name\":\"lab\\u0007\"}", null), 400, "name");
        // a long-range window that cannot hold the key (the run would never be probed at d): refused, by its field (issue 32)
        assertError(post("/api/experiments", "{\"corpus\":{\"preset\":\"long-range\",\"distance\":20},\"arms\":[{\"model\":\"rnn\","
                + "\"window\":20}],\"training\":" + TINY.replace("\"window\": 10, ", "") + "}", null), 400, "arms[0].window");
        assertError(post("/api/sweeps", "{\"distances\":[5,20],\"training\":{\"window\":10}}", null), 400, "training.window");
        // sentences that make no training window are refused now, not accepted and failed later
        assertError(post("/api/experiments", "{\"corpus\":{\"text\":\"hello.\"}," + arms + "}", null), 400, "corpus.text");
        assertError(post("/api/labs", "{\"name\":\"lab\",\"settings\":{\"corpus\":{\"text\":\"hello.\"}}}", null), 400,
                "settings.corpus.text");
        Reply huge = post("/api/experiments", "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\",\"epochs\":2147483648}]}", null);
        assertError(huge, 400, "arms[0].epochs");
        assertTrue(huge.body().get("error").asText().contains("between 1 and 100000"), huge.text());
        // a run no worker can do is refused at once: the probe's LSTM (one step ≈ minutes, cancel took 86 s, 8 GB)
        Reply heavy = post("/api/experiments", "{\"corpus\":{\"preset\":\"english-prose\"},\"arms\":[{\"model\":\"lstm\",\"hidden\":1024,"
                + "\"layers\":3,\"embedding\":1024,\"window\":200,\"batch\":64}]}", null);
        assertError(heavy, 400, "arms[0].hidden");
        assertTrue(heavy.body().get("error").asText().startsWith("one training step would take"), heavy.text());
        // and one whose arrays would not fit in memory (1,024 windows of 200 words, each word embedded in 1,024 numbers)
        Reply wide = post("/api/experiments", "{\"corpus\":{\"preset\":\"english-prose\"},\"arms\":[{\"model\":\"rnn\",\"hidden\":8,"
                + "\"embedding\":1024,\"window\":200,\"batch\":1024,\"maxVocab\":50000}]}", null);
        assertError(wide, 400, "arms[0].hidden");
        assertTrue(wide.body().get("error").asText().contains("memory"), wide.text());
        // a typed name is kept as typed, spaces tidied, emoji sequences (with their zero-width joiner) intact
        Reply named = post("/api/experiments", "{\"name\":\"  Asha's   👩\u200d🔬 run \"," + body.substring(1), null);
        assertEquals(201, named.status(), named.text());
        assertEquals("Asha's 👩\u200d🔬 run", get("/api/experiments/" + named.body().get("id").asText(), null).body().get("name").asText());
        awaitFinished(named.body().at("/runs/0/id").asText());
    }

    @Test
    void aWaitingRunSaysItsPlaceInLine() throws Exception {
        // the one worker trains a run that does not end by itself (a seed of its own: it must not join another's)
        Reply endless = submit(null, "[{\"model\":\"rnn\"}]", ENDLESS.replace("{", "{\"seed\": 271828, "));
        String blocker = endless.body().at("/runs/0/id").asText();
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!get("/api/runs/" + blocker, null).body().get("status").asText().equals("running")) {
                assertTrue(System.nanoTime() < deadline, "the endless run starts");
                Thread.sleep(50);
            }
            assertTrue(get("/api/runs/" + blocker, null).body().path("queue").isMissingNode(), "a training run has no place in line");
            // a seed no other test uses: identical runs would join a training another test already finished
            Reply waiting = submit(null, "[{\"model\":\"rnn\"},{\"model\":\"lstm\"}]", TINY.replace("{", "{\"seed\": 314159, "));
            String rnn = waiting.body().at("/runs/0/id").asText(), lstm = waiting.body().at("/runs/1/id").asText();
            assertEquals(1, get("/api/runs/" + rnn, null).body().at("/queue/position").asInt(), "next when the worker frees");
            JsonNode sibling = get("/api/runs/" + lstm, null).body();
            assertTrue(sibling.at("/queue/position").isNull(), "its sibling holds no place of its own: " + sibling.get("queue"));
            assertEquals(1, sibling.at("/queue/ownRunsAhead").asInt(), "it takes the next when the first starts");
            JsonNode experiment = get("/api/experiments/" + waiting.body().get("id").asText(), null).body();
            assertEquals(1, experiment.at("/runs/1/queue/ownRunsAhead").asInt());
            assertEquals(200, post("/api/runs/" + blocker + "/cancel", null, endless.body().get("ownerToken").asText()).status());
            awaitFinished(rnn);
            awaitFinished(lstm);
            assertTrue(get("/api/runs/" + lstm, null).body().path("queue").isMissingNode(), "a finished run has no place in line");
        } finally {
            // the class's one worker must not stay busy if an assertion failed
            post("/api/runs/" + blocker + "/cancel", null, endless.body().get("ownerToken").asText());
        }
    }

    static JsonNode awaitFinished(String runId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode run = get("/api/runs/" + runId, null).body();
            if (!Set.of("queued", "running").contains(run.get("status").asText())) return run;
            if (System.nanoTime() > deadline) throw new AssertionError("run did not finish: " + run);
            Thread.sleep(100);
        }
    }

    static void assertError(Reply r, int status, String field) {
        assertEquals(status, r.status(), r.text());
        assertTrue(r.body().get("error").asText().length() > 5, r.text());
        if (field != null) assertEquals(field, r.body().path("field").asText(), r.text());
        assertFalse(r.text().contains("\tat ") || r.text().contains("Exception"), "no stack trace: " + r.text());
    }

    /**
     * A run's config is its complete settings in the request's own format: posted back unchanged as an arm it makes a
     * run with the very same config, for every model and every clipping mode.
     */
    @Test
    void aRunsConfigPostedBackReproducesItForEveryModelAndClipMode() throws Exception {
        String token = issuedToken();
        List<String> models = List.of("rnn", "rnn-relu", "rnn-leaky", "irnn", "rnn-skip", "lstm");
        for (String clip : List.of("none", "norm", "layer-norm", "value")) {
            StringBuilder arms = new StringBuilder("[");
            for (String model : models) {
                if (arms.length() > 1) arms.append(',');
                arms.append("{\"model\":\"").append(model).append("\",\"clip\":{\"mode\":\"").append(clip)
                        .append("\",\"threshold\":0.75},\"seed\":9000000000123,\"optimizer\":\"rmsprop\",\"decay\":0.9}");
            }
            arms.append(']');
            Reply first = post("/api/experiments", "{\"corpus\":{\"preset\":\"long-range\",\"distance\":6},\"arms\":" + arms
                    + ",\"training\":{\"maxIterations\":2,\"hidden\":6,\"embedding\":4,\"batch\":4,\"probeEvery\":1}}", token);
            assertEquals(201, first.status(), first.text());
            JsonNode corpus = get("/api/experiments/" + first.body().get("id").asText(), null).body().get("corpus");
            List<JsonNode> originals = new ArrayList<>();
            StringBuilder again = new StringBuilder("[");
            for (JsonNode created : first.body().get("runs")) {
                JsonNode run = awaitFinished(created.get("id").asText());
                originals.add(run);
                assertEquals(clip, run.at("/config/clip/mode").asText(), run.toString());
                assertEquals(9000000000123L, run.at("/config/seed").asLong());
                com.fasterxml.jackson.databind.node.ObjectNode arm = ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("config")).deepCopy();
                arm.put("model", run.get("model").asText());
                again.append(again.length() > 1 ? "," : "").append(arm);
            }
            Reply second = post("/api/experiments", "{\"corpus\":" + corpus + ",\"arms\":" + again.append(']') + "}", token);
            assertEquals(201, second.status(), second.text());
            for (int i = 0; i < models.size(); i++) {
                JsonNode copy = awaitFinished(second.body().at("/runs/" + i + "/id").asText());
                assertEquals(originals.get(i).get("model"), copy.get("model"));
                assertEquals(originals.get(i).get("config"), copy.get("config"), models.get(i) + " with clip " + clip);
                assertEquals("completed", copy.get("status").asText(), copy.toString());
            }
        }
    }

    @Test
    void healthReportsVersionAndDatabase() throws Exception {
        Reply r = get("/api/health", null);
        assertEquals(200, r.status());
        assertEquals("ok", r.body().get("status").asText());
        assertEquals("ok", r.body().get("db").asText());
        assertEquals(lab.gradient.Version.VALUE, r.body().get("version").asText());
        assertTrue(r.body().at("/memory/heapUsedMiB").asLong() > 0 && r.body().at("/memory/heapMaxMiB").asLong() >= r.body().at("/memory/heapUsedMiB").asLong());
        assertTrue(r.body().at("/memory/residentMiB").asLong() > r.body().at("/memory/heapUsedMiB").asLong() / 2, r.text());
        assertTrue(r.body().at("/memory/heapCommittedMiB").asLong() >= r.body().at("/memory/heapUsedMiB").asLong(), r.text());
        // the tests run with the Vector API module, as scripts/jvm.options starts the server
        assertEquals("vector", r.body().at("/engine/kernels").asText(), r.text());
        assertTrue(r.body().at("/engine/lanes").asInt() >= 4, r.text());
        JsonNode workspaces = r.body().at("/memory/nd4jWorkspacesMiB");
        assertTrue(workspaces.isNull() || workspaces.asLong() >= 0, r.text());
    }

    @Test
    void vaadinServesTheRootOnTheSamePort() throws Exception {
        Reply r = get("/", null);
        assertEquals(200, r.status());
        assertTrue(r.text().contains("window.Vaadin"), "the UI page is Vaadin's bootstrap page");
    }

    @Test
    void anExperimentTrainsAndEveryReadRouteAnswers() throws Exception {
        Reply created = submit(null, "[{\"model\":\"rnn\"},{\"model\":\"lstm\",\"clip\":{\"mode\":\"norm\",\"threshold\":0.5}}]", TINY);
        assertEquals(201, created.status(), created.text());
        String token = created.body().get("ownerToken").asText();
        assertTrue(token.length() >= 40);
        String experiment = created.body().get("id").asText();
        assertEquals("/experiments/" + experiment, created.body().at("/links/ui").asText());
        List<String> ids = new ArrayList<>();
        for (JsonNode run : created.body().get("runs")) {
            ids.add(run.get("id").asText());
            assertTrue(run.get("id").asText().length() >= 16, "≥ 96 random bits");
            assertEquals("/api/runs/" + run.get("id").asText(), run.at("/links/api").asText());
        }
        assertEquals(List.of("rnn", "lstm"), List.of(created.body().at("/runs/0/model").asText(), created.body().at("/runs/1/model").asText()));

        for (String id : ids) {
            JsonNode run = awaitFinished(id);
            assertEquals("completed", run.get("status").asText(), run.toString());
            for (String f : List.of("trainLoss", "valLoss", "valPerplexity", "top1", "top5", "maxGradNorm", "seconds")) {
                assertTrue(run.at("/summary/" + f).isNumber(), f + " in " + run);
            }
            assertEquals(experiment, run.get("experimentId").asText());
            // our engine's gradients, checked against DL4J's on the first batch, and said on the page's diagnosis
            double check = run.at("/summary/gradientCheck").asDouble(Double.NaN);
            assertTrue(check >= 0 && check <= 1e-4, run.at("/summary").toString());
            assertTrue(run.at("/diagnosis/lines").toString().contains("Gradients checked against DeepLearning4J"), run.get("diagnosis").toString());
            assertEquals(15, run.at("/config/maxIterations").asInt());
            // every client reads the same verdict: one of the regimes, with its words
            assertTrue(Set.of("vanishing", "exploding", "erratic", "healthy", "overfitting").contains(run.at("/diagnosis/regime").asText()),
                    run.get("diagnosis").toString());
            assertFalse(run.at("/diagnosis/text").asText().isBlank());
        }
        String lstm = ids.get(1);
        assertEquals("norm", get("/api/runs/" + lstm, null).body().at("/config/clip/mode").asText());

        JsonNode metrics = get("/api/runs/" + lstm + "/metrics", null).body();
        assertEquals(15, metrics.get("iteration").size());
        assertEquals(15, metrics.get("loss").size());
        assertEquals(15, metrics.at("/gradNorm/total").size());
        assertEquals(15, metrics.at("/gradNorm/rnn1.W_h").size());
        assertTrue(metrics.at("/gradNormClipped/total").get(0).asDouble() <= 0.5 + 1e-6);
        assertTrue(metrics.at("/updateRatio/rnn1").isArray());
        assertTrue(metrics.at("/validation/loss").size() >= 1);
        JsonNode few = get("/api/runs/" + lstm + "/metrics?maxPoints=10", null).body();
        assertTrue(few.get("iteration").size() < 15 && few.get("iteration").size() >= 3, few.get("iteration").toString());
        assertEquals(15, few.get("iteration").get(few.get("iteration").size() - 1).asInt(), "the last point is kept");

        JsonNode flow = get("/api/runs/" + lstm + "/gradient-flow", null).body();
        assertEquals(10, flow.get("window").asInt());
        assertEquals(0, flow.at("/distance/0").asInt());
        assertEquals(List.of(0, 5, 10, 15), json.convertValue(flow.get("iterations"), List.class));
        assertEquals(10, flow.at("/norm/0").size());
        JsonNode spectral = get("/api/runs/" + ids.get(0) + "/spectral", null).body();
        assertEquals(4, spectral.at("/matrices/rnn1.W_h/spectralRadius").size());

        Reply prediction = post("/api/runs/" + lstm + "/predict", "{\"prefix\":\"Marathi is spoken in Zanzibar\",\"k\":3}", null);
        assertEquals(200, prediction.status(), prediction.text());
        assertEquals(3, prediction.body().get("predictions").size());
        assertTrue(prediction.body().at("/predictions/0/p").asDouble() > 0);
        assertEquals("zanzibar", prediction.body().at("/unknown/0").asText());
        Reply generated = post("/api/runs/" + lstm + "/generate", "{\"prefix\":\"Marathi\",\"words\":3,\"temperature\":0.5}", null);
        assertEquals(200, generated.status(), generated.text());
        assertTrue(generated.body().get("words").size() <= 3);

        // the sentence x-ray of each model, and of the corpus's own sentence when none is typed
        Reply xray = post("/api/runs/" + lstm + "/inspect", "{\"text\":\"Marathi is spoken in\",\"target\":\"maharashtra\"}", null);
        assertEquals(200, xray.status(), xray.text());
        assertEquals(List.of("marathi", "is", "spoken", "in"), json.convertValue(xray.body().get("words"), List.class));
        assertEquals("maharashtra", xray.body().get("target").asText());
        assertEquals(4, xray.body().get("saliency").size());
        assertEquals("cell", xray.body().get("factorsOf").asText());
        assertEquals(1.0, xray.body().at("/product/3").asDouble());
        assertEquals(4, xray.body().at("/gates/forget/0").size(), "units × words");
        Reply rnnXray = post("/api/runs/" + ids.get(0) + "/inspect", "{}", null);
        assertEquals(200, rnnXray.status(), rnnXray.text());
        assertEquals("hidden", rnnXray.body().get("factorsOf").asText());
        assertFalse(rnnXray.body().has("gates"));
        assertTrue(rnnXray.body().get("words").size() > 1, "a sentence of the corpus: " + rnnXray.body().get("words"));
        assertError(post("/api/runs/" + lstm + "/inspect", "{\"text\":\"Marathi\",\"target\":\"zanzibar\"}", null), 400, "target");
        assertError(post("/api/runs/" + lstm + "/inspect", "{\"text\":7}", null), 400, "text");

        Reply csv = get("/api/runs/" + lstm + "/export.csv", null);
        assertEquals(200, csv.status());
        assertTrue(csv.text().startsWith("iteration,loss,seconds,gradNorm.embed.W"), csv.text().substring(0, 80));
        assertEquals(16, csv.text().strip().split("\n").length);
        Reply exported = get("/api/runs/" + lstm + "/export.json", null);
        assertEquals(15, exported.body().at("/metrics/iteration").size());
        assertEquals(lstm, exported.body().at("/run/id").asText());

        JsonNode compare = get("/api/compare?runs=" + String.join(",", ids), null).body();
        assertEquals(2, compare.get("runs").size());
        assertEquals(2, compare.get("summary").size());
        assertEquals(10, compare.at("/runs/1/finalGradientFlow/norm").size());
        assertEquals(15, compare.at("/runs/0/series/loss").size());

        JsonNode mine = get("/api/runs", token).body();
        assertEquals(2, mine.get("runs").size());
        assertEquals(1, get("/api/runs?model=lstm", token).body().get("runs").size());
        assertEquals(2, get("/api/runs?status=completed&q=API", token).body().get("runs").size());
        assertEquals(0, get("/api/runs?q=nothing-like-it", token).body().get("runs").size());
        JsonNode page = get("/api/runs?limit=1", token).body();
        assertEquals(1, page.get("runs").size());
        JsonNode next = get("/api/runs?limit=1&cursor=" + page.get("nextCursor").asText(), token).body();
        assertEquals(1, next.get("runs").size());
        assertTrue(next.get("nextCursor").isNull());
        assertFalse(page.at("/runs/0/id").equals(next.at("/runs/0/id")));
        assertEquals(0, get("/api/runs", issuedToken()).body().get("runs").size(), "another owner's list is empty");

        JsonNode exp = get("/api/experiments/" + experiment, null).body();
        assertEquals(2, exp.get("runs").size());
        assertEquals("seed-examples", exp.at("/corpus/preset").asText());
    }

    @Test
    void eventStreamReportsProgressAndEndsWithTheRun() throws Exception {
        // long enough to be training when the stream subscribes: on the engine 40 iterations could end before that, and
        // a stream that opens on a run already over has only its statuses to send
        Reply created = submit(null, "[{\"model\":\"rnn\"}]", TINY.replace("15", "3000"));
        String id = created.body().at("/runs/0/id").asText();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + "/api/runs/" + id + "/events"))
                        .header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), stream.headers().map().toString());
        List<String> events = new ArrayList<>();
        List<String> data = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) { // the server closes the stream when the run ends
                if (line.startsWith("event:")) events.add(line.substring(6).trim());
                if (line.startsWith("data:")) data.add(line.substring(5).trim());
            }
        }
        assertEquals("status", events.get(0), "the stream opens with the run's current status");
        assertTrue(events.contains("progress") || events.contains("metrics") || data.get(0).contains("completed"), events.toString());
        assertTrue(data.get(data.size() - 1).contains("completed"), data.get(data.size() - 1));
        assertEquals(404, get("/api/runs/no-such-run/events", null).status());
    }

    /** Each lesson's experiment is a body POST /api/experiments takes as it is; an unknown lesson is refused by name. */
    @Test
    void lessonsListTheExactBodyThatRunsThem() throws Exception {
        JsonNode lessons = get("/api/lessons", null).body().get("lessons");
        List<String> ids = new ArrayList<>();
        lessons.forEach(l -> ids.add(l.get("id").asText()));
        assertEquals(List.of("vanishing", "exploding", "irnn", "skip", "learning-rate", "leaky-relu"), ids);
        for (JsonNode lesson : lessons) {
            assertFalse(lesson.get("claim").asText().isBlank());
            assertEquals(lesson.get("id").asText(), lesson.at("/experiment/lesson").asText());
        }
        String token = issuedToken();
        JsonNode irnn = lessons.get(2).get("experiment").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) irnn.get("training")).put("seed", 7).put("maxIterations", 2);
        Reply created = post("/api/experiments", irnn.toString(), token);
        assertEquals(201, created.status(), created.text());
        JsonNode experiment = get("/api/experiments/" + created.body().get("id").asText(), null).body();
        assertEquals("irnn", experiment.get("lesson").asText());
        assertEquals("identity", experiment.at("/runs/1/config/init").asText());
        assertEquals(7, experiment.at("/runs/1/config/seed").asInt());
        for (JsonNode run : created.body().get("runs")) awaitFinished(run.get("id").asText());
        // the IRNN's W_h starts as the identity: σ_max = 1 at iteration 0, read through the spectral endpoint
        JsonNode spectral = get("/api/runs/" + created.body().at("/runs/1/id").asText() + "/spectral", null).body();
        assertEquals(0, spectral.at("/iterations/0").asInt(), spectral.toString());
        assertEquals(1.0, spectral.at("/matrices/rnn1.W_h/largestSingularValue/0").asDouble(), 1e-6, spectral.toString());

        ((com.fasterxml.jackson.databind.node.ObjectNode) irnn).put("lesson", "no-such-lesson");
        Reply refused = post("/api/experiments", irnn.toString(), token);
        assertEquals(400, refused.status());
        assertEquals("lesson", refused.body().get("field").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) irnn).put("lesson", "irnn");
        ((com.fasterxml.jackson.databind.node.ObjectNode) irnn.get("arms").get(1)).put("init", "xavier");
        refused = post("/api/experiments", irnn.toString(), token);
        assertEquals(400, refused.status());
        assertEquals("arms[1].init", refused.body().get("field").asText());
    }

    @Test
    void badInputIsRefusedWithTheFieldNamedAndNothingStored() throws Exception {
        assertError(post("/api/experiments", "{not json", null), 400, null);
        assertError(post("/api/experiments", "[1,2]", null), 400, null);
        assertError(post("/api/experiments", "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],\"colour\":1}", null), 400, "colour");
        assertError(post("/api/experiments", "{\"arms\":[{\"model\":\"rnn\"}]}", null), 400, "corpus");
        assertError(post("/api/experiments", "{\"corpus\":{\"preset\":\"poetry\"},\"arms\":[{\"model\":\"rnn\"}]}", null), 400, "corpus.preset");
        assertError(post("/api/experiments", "{\"corpus\":{\"preset\":\"long-range\",\"distance\":1},\"arms\":[{\"model\":\"rnn\"}]}", null), 400, "corpus.distance");
        assertError(post("/api/experiments", "{\"corpus\":{\"text\":\"?!\"},\"arms\":[]}", null), 400, "arms");
        assertError(submit(null, "[{\"model\":\"gru\"}]", "{}"), 400, "arms[0].model");
        assertError(submit(null, "[{\"model\":\"rnn\"}]", "{\"hidden\":5000}"), 400, "training.hidden");
        assertError(submit(null, "[{\"model\":\"rnn\"},{\"model\":\"lstm\",\"window\":1}]", "{}"), 400, "arms[1].window");
        assertError(submit(null, "[{\"model\":\"rnn\"}]", "{\"hidden\":\"big\"}"), 400, "training.hidden");
        assertError(submit(null, "[{\"model\":\"rnn\"}]", "{\"learningRate\":-1}"), 400, "training.learningRate");
        assertError(submit(null, "[{\"model\":\"rnn\"}]", "{\"clip\":{\"mode\":\"sometimes\"}}"), 400, "training.clip.mode");
        assertError(submit(null, "[{\"model\":\"lstm\",\"init\":\"identity\"}]", "{}"), 400, "arms[0].init");
        assertError(submit(null, "[{\"model\":\"rnn\"}]", "{\"optimiser\":\"adam\"}"), 400, "training.optimiser");
        String huge = "{\"corpus\":{\"text\":\"" + "word ".repeat(220_000) + "\"},\"arms\":[{\"model\":\"rnn\"}]}";
        assertError(post("/api/experiments", huge, null), 413, null);
        assertError(get("/api/runs/does-not-exist", null), 404, null);
        assertError(get("/api/experiments/does-not-exist", null), 404, null);
        assertError(get("/api/nothing-here", null), 404, null);
        String reader = issuedToken();
        assertError(get("/api/runs?limit=0", reader), 400, "limit");
        assertError(get("/api/runs?status=sleeping", reader), 400, "status");
        assertError(get("/api/compare", null), 400, "runs");
        assertError(get("/api/compare?runs=nope", null), 404, null);
        assertError(get("/api/runs", null), 401, null);
        assertEquals(0, get("/api/runs", issuedToken()).body().get("runs").size(), "nothing was stored by the refusals");
    }

    @Test
    void onlyTheOwnerMayCancelOrDeleteAndEveryoneMayRead() throws Exception {
        Reply created = submit(null, "[{\"model\":\"lstm\"},{\"model\":\"rnn\"}]", ENDLESS);
        String token = created.body().get("ownerToken").asText();
        String running = created.body().at("/runs/0/id").asText(), other = created.body().at("/runs/1/id").asText();
        String experiment = created.body().get("id").asText();
        assertError(post("/api/runs/" + other + "/predict", "{\"prefix\":\"a\"}", null), 409, null);
        assertError(post("/api/runs/" + other + "/inspect", "{\"text\":\"a\"}", null), 409, null);

        assertError(post("/api/runs/" + running + "/cancel", null, null), 401, null);
        String stranger = issuedToken();
        assertError(post("/api/runs/" + running + "/cancel", null, stranger), 403, null);
        assertError(post("/api/runs/" + running + "/cancel", null, "client-chosen-token-0"), 401, null);
        assertEquals(200, get("/api/runs/" + running, null).status(), "a link is a read-only capability");
        assertEquals(200, post("/api/runs/" + running + "/cancel", null, token).status());
        assertEquals("cancelled", awaitFinished(running).get("status").asText());
        assertError(post("/api/runs/" + running + "/cancel", null, token), 409, null);

        Reply again = submit(token, "[{\"model\":\"rnn\"}]", TINY);
        assertEquals(201, again.status());
        assertEquals(token, again.body().get("ownerToken").asText(), "a caller with a token stays the same owner");

        assertError(send("DELETE", "/api/runs/" + other, null, null), 401, null);
        assertError(send("DELETE", "/api/runs/" + other, null, stranger), 403, null);
        assertEquals(204, send("DELETE", "/api/runs/" + other, null, token).status());
        assertEquals(404, get("/api/runs/" + other, null).status());
        assertError(send("DELETE", "/api/experiments/" + experiment, null, stranger), 403, null);
        assertEquals(204, send("DELETE", "/api/experiments/" + experiment, null, token).status());
        assertEquals(404, get("/api/runs/" + running, null).status());
        awaitFinished(again.body().at("/runs/0/id").asText());
    }

    @Test
    void pastTheOwnersCapSubmissionsGet429() throws Exception {
        String arms = "[{\"model\":\"rnn\"},{\"model\":\"rnn\"},{\"model\":\"rnn\"},{\"model\":\"rnn\"},{\"model\":\"rnn\"}]";
        Reply first = submit(null, arms, ENDLESS);
        String token = first.body().get("ownerToken").asText();
        List<String> experiments = new ArrayList<>(List.of(first.body().get("id").asText()));
        for (int i = 0; i < 3; i++) {
            Reply r = submit(token, arms, ENDLESS);
            assertEquals(201, r.status(), r.text());
            experiments.add(r.body().get("id").asText());
        }
        Reply refused = submit(token, "[{\"model\":\"rnn\"}]", TINY);
        assertError(refused, 429, null);
        assertTrue(refused.body().get("error").asText().contains("at most 20"), refused.text());
        for (String e : experiments) assertEquals(204, send("DELETE", "/api/experiments/" + e, null, token).status());
        assertEquals(201, submit(token, "[{\"model\":\"rnn\"}]", TINY).status(), "room again after deleting");
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteAndHasAPage() throws Exception {
        JsonNode doc = get("/api/openapi.json", null).body();
        assertEquals("3.0.3", doc.get("openapi").asText());
        Set<String> documented = new HashSet<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (!method.equals("parameters")) documented.add(method.toUpperCase() + " " + path.getKey().replaceAll("\\{[^}]+}", "{}"));
        }));
        List<String> missing = new ArrayList<>();
        for (String route : server.routes()) {
            // path parameters are compared by position, not by name
            String documentedForm = route.replace("SSE ", "GET ").replaceAll("\\{[^}]+}", "{}");
            if (route.startsWith("BEFORE") || route.startsWith("AFTER")) continue;
            if (!documented.contains(documentedForm)) missing.add(route);
        }
        assertTrue(missing.isEmpty(), "routes missing from openapi.yaml: " + missing);
        assertTrue(server.routes().size() >= 20, server.routes().toString());
        Reply page = get("/api/docs", null);
        assertEquals(200, page.status());
        assertTrue(page.text().contains("swagger-ui-bundle.js"));
        assertEquals(200, get("/api/docs/swagger-ui-bundle.js", null).status());
        assertEquals(404, get("/api/docs/..%2Fsecret", null).status());
    }
}
