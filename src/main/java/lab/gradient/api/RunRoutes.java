package lab.gradient.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.model.ListedRun;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Run;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.training.Generation;
import lab.gradient.training.Inspection;
import lab.gradient.training.Prediction;

/** {@code /api/runs}: one's runs, a run and what it recorded, its next-word predictions, cancel, delete, export. */
final class RunRoutes {
    private final RunService runs;

    RunRoutes(RunService runs) {
        this.runs = runs;
    }

    private Run run(Context ctx) {
        return runs.requireRun(ctx.pathParam("id"));
    }

    void list(Context ctx) {
        String owner = Owners.require(ctx);
        int limit = Requests.intParam(ctx, "limit", 50, 1, 200);
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
        List<ListedRun> page = runs.findRuns(owner, ctx.queryParam("model"), status, ctx.queryParam("lab"),
                ctx.queryParam("q"), limit + 1, offset);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", page.stream().limit(limit).map(listed -> {
            Map<String, Object> run = RunViews.run(listed.run(), runs.permissions().labShownTo(listed.run().lab(), Owners.callers(ctx)));
            run.put("experimentName", listed.experimentName());
            return run;
        }).toList());
        out.put("nextCursor", page.size() > limit ? String.valueOf(offset + limit) : null);
        ctx.json(out);
    }

    void get(Context ctx) {
        ctx.json(RunViews.run(run(ctx), runs, Owners.callers(ctx)));
    }

    void metrics(Context ctx) {
        Run run = run(ctx);
        int maxPoints = Requests.intParam(ctx, "maxPoints", Integer.MAX_VALUE, 10, Integer.MAX_VALUE);
        ctx.json(RunViews.metrics(runs.metrics(run.id()), runs.validations(run.id()), maxPoints));
    }

    void gradientFlow(Context ctx) {
        Run run = run(ctx);
        ctx.json(RunViews.gradientFlow(run.settings().window, runs.gradientFlow(run.id())));
    }

    void spectral(Context ctx) {
        ctx.json(RunViews.spectral(runs.spectra(run(ctx).id())));
    }

    private static ApiError noModelYet(Run run) {
        return new ApiError(409, "this run has no trained model yet (status: " + run.status() + ")", null);
    }

    void predict(Context ctx) {
        Run run = run(ctx);
        JsonNode body = Requests.objectBody(ctx);
        String prefix = Requests.text(body, "prefix", 10_000);
        int k = body.has("k") ? ExperimentRequests.integer(body.get("k"), "k") : 5;
        Prediction p = runs.predict(run.id(), prefix, k).orElseThrow(() -> noModelYet(run));
        ctx.json(Map.of("predictions", p.predictions().stream().map(w -> Map.of("word", w.word(), "p", w.p())).toList(),
                "unknown", p.unknown()));
    }

    /** The sentence x-ray: which words the prediction used, the product of ∂o_t/∂o_{t−1}, the states (Inspector). */
    void inspect(Context ctx) {
        Run run = run(ctx);
        JsonNode body = Requests.objectBody(ctx);
        String text = Requests.text(body, "text", 10_000);
        String target = Requests.text(body, "target", 200);
        Inspection x = runs.inspect(run.id(), text, target).orElseThrow(() -> noModelYet(run));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("words", x.words());
        out.put("predicted", x.predicted());
        out.put("target", x.target());
        out.put("saliency", x.saliency());
        out.put("factorsOf", x.factorsOf());
        out.put("factors", x.factors());
        out.put("product", x.product());
        out.put("hidden", x.hidden());
        out.put("layers", x.layers());
        if (x.gates() != null) {
            out.put("gates", Map.of("forget", x.gates().forget(), "input", x.gates().input(), "output", x.gates().output()));
            out.put("cell", x.cell());
        }
        ctx.json(out);
    }

    void generate(Context ctx) {
        Run run = run(ctx);
        JsonNode body = Requests.objectBody(ctx);
        String prefix = Requests.text(body, "prefix", 10_000);
        int words = body.has("words") ? ExperimentRequests.integer(body.get("words"), "words") : 10;
        double temperature = 0;
        if (body.has("temperature")) {
            JsonNode t = body.get("temperature");
            if (!t.isNumber()) throw ApiError.badRequest("temperature", "must be a number from 0 (greedy) to 10");
            temperature = t.doubleValue();
        }
        Generation g = runs.generate(run.id(), prefix, words, temperature, System.nanoTime()).orElseThrow(() -> noModelYet(run));
        ctx.json(Map.of("text", g.text(), "words", g.words(), "unknown", g.unknown()));
    }

    void cancel(Context ctx) {
        String id = ctx.pathParam("id");
        runs.cancel(id, Owners.callers(ctx));
        ctx.json(Map.of("id", id, "cancelling", true));
    }

    void delete(Context ctx) {
        runs.delete(ctx.pathParam("id"), Owners.callers(ctx));
        ctx.status(204);
    }

    void exportCsv(Context ctx) {
        Run run = run(ctx);
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

    void exportJson(Context ctx) {
        Run run = run(ctx);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", RunViews.run(run, runs.permissions().labShownTo(run.lab(), Owners.callers(ctx))));
        out.put("metrics", RunViews.metrics(runs.metrics(run.id()), runs.validations(run.id()), Integer.MAX_VALUE));
        out.put("gradientFlow", RunViews.gradientFlow(run.settings().window, runs.gradientFlow(run.id())));
        out.put("spectral", RunViews.spectral(runs.spectra(run.id())));
        ctx.header("Content-Disposition", "attachment; filename=\"run-" + run.id() + ".json\"");
        ctx.json(out);
    }
}
