package lab.gradient.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.HandlerType;
import lab.gradient.health.HealthService;
import lab.gradient.labs.LabService;
import lab.gradient.lessons.LessonService;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunService;
import lab.gradient.sweeps.SweepService;

/**
 * The REST API under {@code /api}, its whole route table on one screen. Each route is one small method of its
 * resource's class, which turns the request into one service call and the typed result into JSON; rules and
 * refusals live in the services, so the UI refuses the same things in the same words.
 */
public final class ApiRoutes {
    private ApiRoutes() {}

    public static void register(JavalinConfig config, HealthService healthService, RunService runs, LabService labs, LessonService lessons,
            SweepService sweeps, IssuedTokens tokens, RateLimits limits) {
        var health = new HealthRoutes(healthService);
        var experiments = new ExperimentRoutes(runs, lessons, tokens);
        var run = new RunRoutes(runs);
        var compare = new CompareRoutes(runs);
        var streams = new EventStreams(runs);
        var lessonList = new LessonRoutes(lessons, tokens);
        var lab = new LabRoutes(labs, sweeps, tokens, limits);
        var sweep = new SweepRoutes(sweeps, tokens);
        var r = config.routes;
        config.http.maxRequestSize = 4L * Requests.MAX_BODY_BYTES;

        // only tokens this server issued are identities: a made-up one is refused before any route sees it
        r.before("/api/*", ctx -> Owners.token(ctx).ifPresent(token -> {
            if (!tokens.isIssued(token)) throw ApiError.unknownToken();
        }));
        limitPosts(config, "/api/experiments", limits, RateLimits.Action.EXPERIMENT);
        limitPosts(config, "/api/lessons/{id}/start", limits, RateLimits.Action.EXPERIMENT);
        limitPosts(config, "/api/sweeps", limits, RateLimits.Action.EXPERIMENT);
        limitPosts(config, "/api/sweeps/{id}/start", limits, RateLimits.Action.EXPERIMENT);
        limitPosts(config, "/api/runs/{id}/predict", limits, RateLimits.Action.PREDICT);
        limitPosts(config, "/api/runs/{id}/generate", limits, RateLimits.Action.PREDICT);
        limitPosts(config, "/api/runs/{id}/inspect", limits, RateLimits.Action.PREDICT);
        limitPosts(config, "/api/labs", limits, RateLimits.Action.LAB);

        r.get("/api/health", health::get);
        r.get("/api/lessons", lessonList::list);
        r.post("/api/lessons/{id}/start", lessonList::start);

        r.post("/api/experiments", experiments::create);
        r.get("/api/experiments/{id}", experiments::get);
        r.delete("/api/experiments/{id}", experiments::delete);

        r.post("/api/sweeps", sweep::create);
        r.get("/api/sweeps/{id}", sweep::get);
        r.delete("/api/sweeps/{id}", sweep::cancel);
        r.post("/api/sweeps/{id}/start", sweep::start);

        r.get("/api/runs", run::list);
        r.get("/api/runs/{id}", run::get);
        r.delete("/api/runs/{id}", run::delete);
        r.post("/api/runs/{id}/cancel", run::cancel);
        r.get("/api/runs/{id}/metrics", run::metrics);
        r.get("/api/runs/{id}/gradient-flow", run::gradientFlow);
        r.get("/api/runs/{id}/spectral", run::spectral);
        r.get("/api/runs/{id}/events", ctx -> streams.stream(ctx, runs.requireRun(ctx.pathParam("id")), Owners.callers(ctx)));
        r.post("/api/runs/{id}/predict", run::predict);
        r.post("/api/runs/{id}/generate", run::generate);
        r.post("/api/runs/{id}/inspect", run::inspect);
        r.get("/api/runs/{id}/export.csv", run::exportCsv);
        r.get("/api/runs/{id}/export.json", run::exportJson);
        r.get("/api/compare", compare::compare);

        r.post("/api/labs", lab::create);
        r.get("/api/labs/{id}", lab::get);
        r.get("/api/labs/{id}/runs", lab::runs);
        r.post("/api/labs/{id}/close", ctx -> lab.setOpen(ctx, false));
        r.post("/api/labs/{id}/open", ctx -> lab.setOpen(ctx, true));
        r.get("/api/labs/{id}/export.csv", lab::exportCsv);
        r.post("/api/labs/{code}/join", lab::join);

        OpenApiDocs.register(config);
        ApiErrors.register(config);
        config.events.serverStopping(streams::close);
    }

    /** Before a POST to {@code path}: one of the caller address's allowance for {@code action}, or 429. */
    private static void limitPosts(JavalinConfig config, String path, RateLimits limits, RateLimits.Action action) {
        config.routes.before(path, ctx -> {
            if (ctx.method() == HandlerType.POST) limits.acquire(action, ctx.ip());
        });
    }
}
