package lab.gradient.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.lessons.LessonService;
import lab.gradient.model.Experiment;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.OwnerTokens;
import lab.gradient.runs.RunService;

/** {@code /api/experiments}: submit one (each arm a queued run), read it with its runs, delete it. */
final class ExperimentRoutes {
    private final RunService runs;
    private final LessonService lessons;
    private final IssuedTokens tokens;

    ExperimentRoutes(RunService runs, LessonService lessons, IssuedTokens tokens) {
        this.runs = runs;
        this.lessons = lessons;
        this.tokens = tokens;
    }

    void create(Context ctx) {
        RunService.ExperimentSpec spec = lessons.parse(Requests.body(ctx));
        String token = Owners.token(ctx).orElseGet(() -> tokens.issue(ctx.ip()));
        RunService.Submitted submitted = runs.submit(spec, OwnerTokens.ownerOf(token));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", submitted.experimentId());
        // the token is only ever returned to the caller who made it or already holds it, and no cache keeps it
        out.put("ownerToken", token);
        ctx.header("Cache-Control", "no-store");
        out.put("runs", submitted.runs().stream().map(RunViews::queued).toList());
        out.put("links", Map.of("ui", "/experiments/" + submitted.experimentId()));
        ctx.status(201).json(out);
    }

    void get(Context ctx) {
        Experiment e = runs.requireExperiment(ctx.pathParam("id"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("name", e.name());
        List<String> callers = Owners.callers(ctx);
        out.put("lab", runs.permissions().labShownTo(e.lab(), callers));
        out.put("lesson", e.lesson());
        out.put("corpus", RunViews.corpus(e.corpus()));
        out.put("createdAt", e.createdAt() == null ? null : e.createdAt().toString());
        out.put("runs", runs.runsOfExperiment(e.id()).stream().map(run -> RunViews.run(run, runs, callers)).toList());
        // a lesson started on a group of seeds: the group's verdict so far, the same the page and the command line give
        out.put("seedGroup", lessons.lesson(e.lesson()).flatMap(lesson -> lessons.group(e.id())
                .map(group -> LessonRoutes.group(lessons.verdict(lesson, group)))).orElse(null));
        out.put("links", Map.of("ui", "/experiments/" + e.id()));
        ctx.json(out);
    }

    void delete(Context ctx) {
        runs.deleteExperiment(ctx.pathParam("id"), Owners.callers(ctx));
        ctx.status(204);
    }
}
