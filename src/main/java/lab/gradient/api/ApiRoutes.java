package lab.gradient.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import lab.gradient.Version;
import lab.gradient.labs.LabException;
import lab.gradient.labs.LabService;
import lab.gradient.lessons.LessonService;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.OwnerTokens;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunEvent;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.runs.SubmissionRefused;
import lab.gradient.store.Database;
import lab.gradient.store.Json;
import lab.gradient.store.MetricSeries;
import lab.gradient.store.RunStore;
import lab.gradient.training.CorpusTooLarge;
import lab.gradient.training.NativeBackend;
import lab.gradient.training.Predictor;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingObserver;
import lab.gradient.training.TrainingSettings;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /api}: each route turns a request into one call of {@link RunService} and the result
 * into JSON. Validation lives in the service and the request parser, so the UI refuses the same things.
 */
public final class ApiRoutes {
    private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final ObjectReader STRICT = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Database database;
    private final RunService runs;
    private final LabService labs;
    private final LessonService lessons;
    private final IssuedTokens tokens;
    private final RateLimits limits;
    private final EventStreams streams;

    private ApiRoutes(Database database, RunService runs, LabService labs, LessonService lessons, IssuedTokens tokens, RateLimits limits) {
        this.database = database;
        this.runs = runs;
        this.labs = labs;
        this.lessons = lessons;
        this.tokens = tokens;
        this.limits = limits;
        this.streams = new EventStreams(runs);
    }

    public static void register(JavalinConfig config, Database database, RunService runs, LabService labs, LessonService lessons,
            IssuedTokens tokens, RateLimits limits) {
        new ApiRoutes(database, runs, labs, lessons, tokens, limits).register(config);
    }

    /** Before a POST to {@code path}: one of the caller address's allowance for {@code action}, or 429. */
    static void limitPosts(JavalinConfig config, String path, RateLimits limits, RateLimits.Action action) {
        config.routes.before(path, ctx -> {
            if (ctx.method() == HandlerType.POST) limits.acquire(action, ctx.ip());
        });
    }

    private void register(JavalinConfig config) {
        config.http.maxRequestSize = 4L * MAX_BODY_BYTES;
        var r = config.routes;
        // only tokens this server issued are identities: a made-up one is refused before any route sees it
        r.before("/api/*", ctx -> Owners.token(ctx).ifPresent(token -> {
            if (!tokens.isIssued(token)) throw ApiError.unknownToken();
        }));
        limitPosts(config, "/api/experiments", limits, RateLimits.Action.EXPERIMENT);
        limitPosts(config, "/api/runs/{id}/predict", limits, RateLimits.Action.PREDICT);
        limitPosts(config, "/api/runs/{id}/generate", limits, RateLimits.Action.PREDICT);
        r.get("/api/health", this::health);
        r.post("/api/experiments", this::createExperiment);
        r.get("/api/experiments/{id}", this::getExperiment);
        r.delete("/api/experiments/{id}", this::deleteExperiment);
        r.get("/api/runs", this::listRuns);
        r.get("/api/runs/{id}", ctx -> ctx.json(RunViews.run(run(ctx), runs::diagnosis)));
        r.get("/api/runs/{id}/metrics", this::metrics);
        r.get("/api/runs/{id}/gradient-flow", this::gradientFlow);
        r.get("/api/runs/{id}/spectral", ctx -> ctx.json(RunViews.spectral(runs.spectra(run(ctx).id()))));
        r.get("/api/runs/{id}/events", ctx -> streams.stream(ctx, run(ctx)));
        config.events.serverStopping(streams::close);
        r.post("/api/runs/{id}/predict", this::predict);
        r.post("/api/runs/{id}/generate", this::generate);
        r.post("/api/runs/{id}/cancel", this::cancel);
        r.delete("/api/runs/{id}", this::deleteRun);
        r.get("/api/runs/{id}/export.csv", this::exportCsv);
        r.get("/api/runs/{id}/export.json", this::exportJson);
        r.get("/api/compare", this::compare);
        r.get("/api/lessons", ctx -> ctx.json(Map.of("lessons", lessons.all().stream().map(LessonViews::lesson).toList())));
        LabRoutes.register(config, labs, tokens, limits);
        OpenApiDocs.register(config);

        r.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage(), e.field));
        r.exception(SettingsException.class, (e, ctx) -> error(ctx, e instanceof CorpusTooLarge ? 413 : 400, e.reason(), e.field()));
        r.exception(LabException.class, (e, ctx) -> error(ctx, switch (e.reason()) {
            case NOT_FOUND -> 404;
            case NOT_A_MEMBER -> Owners.token(ctx).isPresent() ? 403 : 401;
            case FORBIDDEN -> 403;
            case NAME_TAKEN -> 409;
        }, e.getMessage(), e.field()));
        r.exception(SubmissionRefused.class, (e, ctx) -> {
            if (e instanceof RateLimits.Limited limited) ctx.header("Retry-After", String.valueOf(limited.retryAfterSeconds));
            error(ctx, 429, e.getMessage(), null);
        });
        r.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                e.getStatus() == 413 ? "the body may be at most 1 MB" : e.getMessage(), null));
        r.exception(Exception.class, (e, ctx) -> {
            Throwable abort = clientAbort(e);
            if (abort != null) {
                // a client that stopped sending (or was too slow) is the client's doing: one line, no stack trace
                log.info("request body not received on {} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), abort.toString());
                error(ctx, abort instanceof HttpException h && h.getCode() == 408 ? 408 : 400, "the request body did not arrive in full", null);
                return;
            }
            String id = UUID.randomUUID().toString().substring(0, 8);
            log.error("unexpected error {} on {} {}", id, ctx.method(), ctx.path(), e);
            error(ctx, 500, "unexpected error; it was logged as " + id, null);
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || !ctx.res().getContentType().startsWith("application/json")) {
                error(ctx, 404, "no such route: " + ctx.method() + " " + ctx.path(), null);
            }
        });
    }

    /** The cause that says the client went away or sent too slowly, or null if {@code e} is something else. */
    static Throwable clientAbort(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EofException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof HttpException h && (h.getCode() == 408 || h.getCode() == 400)) {
                return t;
            }
        }
        return null;
    }

    private static void error(Context ctx, int status, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (field != null) body.put("field", field);
        ctx.status(status).json(body);
    }

    private void health(Context ctx) {
        boolean dbOk = database.isHealthy();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", dbOk ? "ok" : "degraded");
        out.put("version", Version.VALUE);
        out.put("db", dbOk ? "ok" : "unavailable");
        out.put("memory", memory());
        ctx.status(dbOk ? 200 : 503).json(out);
    }

    /**
     * What the process holds, in MiB: resident set (Linux), the Java heap in use, committed and its cap, and ND4J's
     * workspaces (off-heap, inside the resident set; null until the first run has loaded ND4J).
     */
    private static Map<String, Object> memory() {
        Runtime runtime = Runtime.getRuntime();
        long resident = residentKib();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("residentMiB", resident < 0 ? null : resident >> 10);
        out.put("heapUsedMiB", (runtime.totalMemory() - runtime.freeMemory()) >> 20);
        out.put("heapCommittedMiB", runtime.totalMemory() >> 20);
        out.put("heapMaxMiB", runtime.maxMemory() >> 20);
        long workspaces = NativeBackend.workspaceBytes();
        out.put("nd4jWorkspacesMiB", workspaces < 0 ? null : workspaces >> 20);
        return out;
    }

    private static long residentKib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or /proc not readable: the figure is simply absent
        }
        return -1;
    }

    static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > MAX_BODY_BYTES) throw new ApiError(413, "the body may be at most 1 MB", null);
        if (bytes.length == 0) throw ApiError.badRequest(null, "the body must be a JSON object");
        try {
            // one JSON value and nothing after it: "{…}{…}" or "{…} x" is refused, not half read
            return STRICT.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private RunStore.Run run(Context ctx) {
        return runs.run(ctx.pathParam("id")).orElseThrow(() -> ApiError.notFound("run"));
    }

    private void createExperiment(Context ctx) {
        RunService.ExperimentSpec spec = lessons.parse(body(ctx));
        String token = Owners.token(ctx).orElseGet(() -> tokens.issue(ctx.ip()));
        RunService.Submitted submitted = runs.submit(spec, OwnerTokens.ownerOf(token));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", submitted.experimentId());
        // the token is only ever returned to the caller who made it or already holds it, and no cache keeps it
        out.put("ownerToken", token);
        ctx.header("Cache-Control", "no-store");
        out.put("runs", submitted.runs().stream().map(run -> Map.of("id", run.id(), "model", run.model(), "links", RunViews.links(run.id()))).toList());
        out.put("links", Map.of("ui", "/experiments/" + submitted.experimentId()));
        ctx.status(201).json(out);
    }

    private void getExperiment(Context ctx) {
        RunStore.Experiment e = runs.experiment(ctx.pathParam("id")).orElseThrow(() -> ApiError.notFound("experiment"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("name", e.name());
        out.put("lab", e.lab());
        out.put("lesson", e.lesson());
        out.put("corpus", Json.read(e.corpusJson(), JsonNode.class));
        out.put("createdAt", e.createdAt() == null ? null : e.createdAt().toString());
        out.put("runs", runs.runsOfExperiment(e.id()).stream().map(run -> RunViews.run(run, runs::diagnosis)).toList());
        out.put("links", Map.of("ui", "/experiments/" + e.id()));
        ctx.json(out);
    }

    private void deleteExperiment(Context ctx) {
        RunStore.Experiment e = runs.experiment(ctx.pathParam("id")).orElseThrow(() -> ApiError.notFound("experiment"));
        Owners.requireOwner(ctx, e.owner());
        runs.deleteExperiment(e.id());
        ctx.status(204);
    }

    private void listRuns(Context ctx) {
        String owner = Owners.require(ctx);
        int limit = intParam(ctx, "limit", 50, 1, 200);
        int offset = 0;
        String cursor = ctx.queryParam("cursor");
        if (cursor != null) {
            try {
                offset = Integer.parseInt(cursor);
                if (offset < 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("cursor", "not a cursor this API returned");
            }
        }
        String status = ctx.queryParam("status");
        if (status != null && Arrays.stream(RunStatus.values()).noneMatch(s -> s.id().equals(status))) {
            throw ApiError.badRequest("status", "must be one of queued, running, completed, failed, cancelled, diverged, interrupted");
        }
        List<RunStore.Run> page = runs.findRuns(owner, ctx.queryParam("model"), status, ctx.queryParam("lab"),
                ctx.queryParam("q"), limit + 1, offset);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", page.stream().limit(limit).map(RunViews::run).toList());
        out.put("nextCursor", page.size() > limit ? String.valueOf(offset + limit) : null);
        ctx.json(out);
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null) return fallback;
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name, "must be a whole number from " + min + " to " + max);
        }
    }

    private void metrics(Context ctx) {
        RunStore.Run run = run(ctx);
        int maxPoints = intParam(ctx, "maxPoints", Integer.MAX_VALUE, 10, Integer.MAX_VALUE);
        ctx.json(RunViews.metrics(runs.metrics(run.id()), runs.validations(run.id()), maxPoints));
    }

    private void gradientFlow(Context ctx) {
        RunStore.Run run = run(ctx);
        int window = Json.read(run.settingsJson(), TrainingSettings.class).window;
        ctx.json(RunViews.gradientFlow(window, runs.gradientFlow(run.id())));
    }

    /** Live progress, metric batches and status changes; the stream ends with the run. */
    static Map<String, Object> progressEvent(RunEvent.Progress p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("iteration", p.iteration());
        out.put("total", p.totalIterations());
        out.put("seconds", p.seconds());
        out.put("etaSeconds", RunViews.finite(p.etaSeconds()));
        return out;
    }

    static Map<String, Object> metricsEvent(RunEvent.Metrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TrainingObserver.IterationMetrics it : m.iterations()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("iteration", it.iteration());
            row.put("loss", RunViews.finite(it.loss()));
            row.put("gradNorm", finiteMap(it.gradNorm()));
            row.put("gradNormClipped", finiteMap(it.gradNormClipped()));
            row.put("updateRatio", finiteMap(it.updateRatio()));
            rows.add(row);
        }
        out.put("iterations", rows);
        out.put("validation", m.validations().stream().map(v -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("iteration", v.iteration());
            row.put("loss", RunViews.finite(v.result().loss()));
            row.put("perplexity", RunViews.finite(v.result().perplexity()));
            row.put("longRangeAccuracy", RunViews.finite(v.result().longRangeAccuracy()));
            return row;
        }).toList());
        out.put("gradientFlow", m.flows().stream().map(f -> Map.of("iteration", f.iteration(),
                "norm", Arrays.stream(f.norm()).mapToObj(RunViews::finite).toList())).toList());
        return out;
    }

    private static Map<String, Double> finiteMap(Map<String, Double> values) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, RunViews.finite(v)));
        return out;
    }

    private Predictor predictor(RunStore.Run run) {
        return runs.predictor(run.id()).orElseThrow(() -> new ApiError(409, "this run has no trained model yet (status: "
                + run.status() + ")", null));
    }

    private void predict(Context ctx) {
        RunStore.Run run = run(ctx);
        JsonNode body = body(ctx);
        String prefix = text(body, "prefix", 10_000);
        int k = body.has("k") ? ExperimentRequests.integer(body.get("k"), "k") : 5;
        Predictor.Prediction p = predictor(run).next(prefix, k);
        ctx.json(Map.of("predictions", p.predictions().stream().map(w -> Map.of("word", w.word(), "p", w.p())).toList(),
                "unknown", p.unknown()));
    }

    private void generate(Context ctx) {
        RunStore.Run run = run(ctx);
        JsonNode body = body(ctx);
        String prefix = text(body, "prefix", 10_000);
        int words = body.has("words") ? ExperimentRequests.integer(body.get("words"), "words") : 10;
        double temperature = 0;
        if (body.has("temperature")) {
            JsonNode t = body.get("temperature");
            if (!t.isNumber()) throw ApiError.badRequest("temperature", "must be a number from 0 (greedy) to 10");
            temperature = t.doubleValue();
        }
        Predictor.Generation g = predictor(run).generate(prefix, words, temperature, System.nanoTime());
        ctx.json(Map.of("text", g.text(), "words", g.words(), "unknown", g.unknown()));
    }

    private static String text(JsonNode body, String field, int maxLength) {
        if (!body.isObject()) throw ApiError.badRequest(null, "the body must be a JSON object");
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return "";
        if (!v.isTextual()) throw ApiError.badRequest(field, "must be a string");
        if (v.asText().length() > maxLength) throw ApiError.badRequest(field, "at most " + maxLength + " characters");
        return v.asText();
    }

    /** 401 without a token; 403 unless the caller owns the run or teaches its lab. */
    private void requireManager(Context ctx, RunStore.Run run) {
        String caller = Owners.require(ctx);
        if (!labs.mayManage(run, List.of(caller))) {
            throw new ApiError(403, run.lab() == null ? "only the run's owner may do this"
                    : "only the run's owner or the lab's teacher may do this", null);
        }
    }

    private void cancel(Context ctx) {
        RunStore.Run run = run(ctx);
        requireManager(ctx, run);
        if (!runs.cancel(run.id())) throw new ApiError(409, "the run has already ended (" + run.status() + ")", null);
        ctx.json(Map.of("id", run.id(), "cancelling", true));
    }

    private void deleteRun(Context ctx) {
        RunStore.Run run = run(ctx);
        requireManager(ctx, run);
        runs.delete(run.id());
        ctx.status(204);
    }

    private void exportCsv(Context ctx) {
        RunStore.Run run = run(ctx);
        MetricSeries m = runs.metrics(run.id());
        StringBuilder csv = new StringBuilder("iteration");
        m.columns().keySet().forEach(c -> csv.append(',').append(c));
        csv.append('\n');
        for (int i = 0; i < m.size(); i++) {
            csv.append(m.iteration()[i]);
            for (float[] column : m.columns().values()) csv.append(',').append(column[i]);
            csv.append('\n');
        }
        ctx.header("Content-Disposition", "attachment; filename=\"run-" + run.id() + ".csv\"");
        ctx.contentType("text/csv; charset=utf-8").result(csv.toString());
    }

    private void exportJson(Context ctx) {
        RunStore.Run run = run(ctx);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", RunViews.run(run));
        out.put("metrics", RunViews.metrics(runs.metrics(run.id()), runs.validations(run.id()), Integer.MAX_VALUE));
        out.put("gradientFlow", RunViews.gradientFlow(Json.read(run.settingsJson(), TrainingSettings.class).window,
                runs.gradientFlow(run.id())));
        out.put("spectral", RunViews.spectral(runs.spectra(run.id())));
        ctx.header("Content-Disposition", "attachment; filename=\"run-" + run.id() + ".json\"");
        ctx.json(out);
    }

    private void compare(Context ctx) {
        String param = ctx.queryParam("runs");
        if (param == null || param.isBlank()) throw ApiError.badRequest("runs", "give run ids separated by commas");
        List<String> ids = RunService.comparisonIds(param);
        int maxPoints = intParam(ctx, "maxPoints", 1000, 10, 100_000);
        List<RunStore.Run> found = new ArrayList<>();
        for (String id : ids) found.add(runs.run(id).orElseThrow(() -> ApiError.notFound("run " + id)));
        List<MetricSeries> series = runs.metrics(ids);
        List<Map<String, Object>> out = new ArrayList<>();
        List<Map<String, Object>> table = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            RunStore.Run run = found.get(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", run.id());
            entry.put("model", run.model());
            entry.put("status", run.status());
            entry.put("experimentId", run.experimentId());
            entry.put("series", RunViews.metrics(series.get(i), runs.validations(run.id()), maxPoints));
            List<RunStore.Flow> flows = runs.gradientFlow(run.id());
            entry.put("finalGradientFlow", flows.isEmpty() ? null : Map.of("iteration", flows.get(flows.size() - 1).iteration(),
                    "norm", Arrays.stream(flows.get(flows.size() - 1).norms()).mapToObj(RunViews::finite).toList()));
            entry.put("spectral", RunViews.spectral(runs.spectra(run.id())));
            out.add(entry);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", run.id());
            row.put("model", run.model());
            row.put("status", run.status());
            Map<String, Object> summary = RunViews.summary(run);
            if (summary != null) row.putAll(summary);
            table.add(row);
        }
        ctx.json(Map.of("runs", out, "summary", table));
    }
}
