package lab.gradient.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.OwnerTokens;
import lab.gradient.sweeps.SweepService;

/** {@code /api/sweeps}: queue a distance sweep, read where each model breaks, cancel it, start one's cell of a class sweep. */
final class SweepRoutes {
    private final SweepService sweeps;
    private final IssuedTokens tokens;

    SweepRoutes(SweepService sweeps, IssuedTokens tokens) {
        this.sweeps = sweeps;
        this.tokens = tokens;
    }

    void create(Context ctx) {
        var body = Requests.objectBody(ctx);
        String token = Owners.token(ctx).orElseGet(() -> tokens.issue(ctx.ip()));
        SweepService.Created created = sweeps.create(body, OwnerTokens.ownerOf(token));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", created.id());
        // as for experiments: the token goes only to the caller who made it or already holds it
        out.put("ownerToken", token);
        ctx.header("Cache-Control", "no-store");
        out.put("runs", created.runs().stream().map(RunViews::queued).toList());
        out.put("links", links(created.id()));
        ctx.status(201).json(out);
    }

    void get(Context ctx) {
        ctx.json(view(sweeps.view(ctx.pathParam("id"), Owners.callers(ctx))));
    }

    void cancel(Context ctx) {
        int cancelled = sweeps.cancel(ctx.pathParam("id"), Owners.callers(ctx));
        ctx.json(Map.of("id", ctx.pathParam("id"), "cancelled", cancelled));
    }

    /** A student's start of the class sweep: the next cell of its grid, as an ordinary run of theirs. */
    void start(Context ctx) {
        String token = Owners.token(ctx).orElseThrow(() -> ApiError.badRequest(null,
                "join the lab first (POST /api/labs/{code}/join) and send its participant token as a Bearer token"));
        ctx.status(201).json(point(sweeps.start(ctx.pathParam("id"), OwnerTokens.ownerOf(token))));
    }

    static Map<String, Object> links(String sweepId) {
        return Map.of("ui", "/sweeps/" + sweepId, "self", "/api/sweeps/" + sweepId);
    }

    static Map<String, Object> view(SweepService.View v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", v.id());
        out.put("name", v.name());
        out.put("lab", v.lab());
        out.put("status", v.status());
        out.put("grid", v.grid().write());
        out.put("cells", v.cells());
        out.put("started", v.started());
        out.put("guessing", v.guessing());
        out.put("points", v.points().stream().map(SweepRoutes::point).toList());
        out.put("curves", v.curves().stream().map(c -> {
            Map<String, Object> curve = new LinkedHashMap<>();
            curve.put("model", c.model());
            curve.put("longRangeAccuracy", summaries(c.accuracy()));
            curve.put("flowRatio", summaries(c.flowRatio()));
            curve.put("initialFlowRatio", summaries(c.initialFlowRatio()));
            return curve;
        }).toList());
        out.put("links", links(v.id()));
        return out;
    }

    private static Map<String, Object> point(SweepService.Point p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", p.model());
        out.put("distance", p.distance());
        out.put("seed", p.seed());
        out.put("runId", p.runId());
        out.put("status", p.status());
        out.put("longRangeAccuracy", RunViews.finite(p.longRangeAccuracy()));
        out.put("flowRatio", RunViews.finite(p.flowRatio()));
        out.put("initialFlowRatio", RunViews.finite(p.initialFlowRatio()));
        out.put("student", p.student());
        out.put("links", RunViews.links(p.runId()));
        return out;
    }

    private static List<Map<String, Object>> summaries(List<SweepService.Summary> summaries) {
        return summaries.stream().map(s -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("distance", s.distance());
            out.put("n", s.n());
            out.put("median", RunViews.finite(s.median()));
            out.put("low", RunViews.finite(s.low()));
            out.put("high", RunViews.finite(s.high()));
            return out;
        }).toList();
    }
}
