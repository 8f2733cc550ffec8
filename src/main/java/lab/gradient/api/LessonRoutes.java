package lab.gradient.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.LessonService;
import lab.gradient.lessons.SweepLesson;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.OwnerTokens;

/**
 * {@code GET /api/lessons}, and {@code POST /api/lessons/{id}/start} for a lesson's seed group. Each lesson's {@code experiment} is the body {@code POST /api/experiments} takes to run it; each
 * guided sweep's {@code sweep} the body {@code POST /api/sweeps} takes.
 */
final class LessonRoutes {
    private static final java.util.Set<String> START_FIELDS = java.util.Set.of("seed", "seeds", "lab");

    private final LessonService lessons;
    private final IssuedTokens tokens;

    LessonRoutes(LessonService lessons, IssuedTokens tokens) {
        this.lessons = lessons;
        this.tokens = tokens;
    }

    /**
     * {@code POST /api/lessons/{id}/start}: the lesson exactly as defined on {@code seeds} seeds (default its group of 5)
     * from {@code seed} (default the lesson's), its variants included: one experiment per seed and variant, queued whole
     * or refused whole. Each experiment's {@code GET /api/experiments/{id}} then carries the group's verdict. With
     * {@code lab} (a join code) the member's one experiment in that lab, judged over the class's seeds.
     */
    void start(Context ctx) {
        Lesson lesson = lessons.lesson(ctx.pathParam("id")).orElseThrow(() -> ApiError.notFound("lesson"));
        JsonNode body = ctx.body().isBlank() ? lab.gradient.model.Json.MAPPER.createObjectNode() : Requests.objectBody(ctx);
        body.fieldNames().forEachRemaining(f -> {
            if (!START_FIELDS.contains(f)) throw ApiError.badRequest(f, "unknown field; this takes seed, seeds and lab");
        });
        long seed = body.has("seed") ? wholeNumber(body, "seed", 0, Integer.MAX_VALUE) : lesson.defaultSeed();
        int seeds = body.has("seeds") ? (int) wholeNumber(body, "seeds", 1, LessonService.MAX_GROUP_SEEDS) : LessonService.GROUP_SEEDS;
        String token = Owners.token(ctx).orElseGet(() -> tokens.issue(ctx.ip()));
        String lab = Requests.optionalText(body, "lab");
        if (lab != null && body.has("seeds")) throw ApiError.badRequest("seeds", "in a lab the class is the group of seeds: leave seeds out");
        List<LessonService.SeedRun> group = lab == null ? lessons.startGroup(lesson, seed, seeds, OwnerTokens.ownerOf(token))
                : List.of(lessons.startInLab(lesson, seed, OwnerTokens.ownerOf(token), lab));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ownerToken", token);
        ctx.header("Cache-Control", "no-store");
        out.put("experiments", group.stream().map(g -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seed", g.seed());
            e.put("id", g.experimentId());
            e.put("variants", g.variantExperiments());
            e.put("links", Map.of("ui", "/experiments/" + g.experimentId(), "self", "/api/experiments/" + g.experimentId()));
            return e;
        }).toList());
        out.put("links", Map.of("ui", "/experiments/" + group.get(0).experimentId()));
        ctx.status(201).json(out);
    }

    private static long wholeNumber(JsonNode body, String field, long min, long max) {
        JsonNode v = body.get(field);
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw ApiError.badRequest(field, "must be a whole number from " + min + " to " + max);
        }
        return v.asLong();
    }

    /** A lesson's seed group, as {@code GET /api/experiments/{id}} shows it: each seed's verdict and each check's count. */
    static Map<String, Object> group(LessonService.GroupVerdict verdict) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seeds", verdict.seeds().stream().map(v -> {
            Map<String, Object> seed = new LinkedHashMap<>();
            seed.put("seed", v.seed());
            seed.put("experimentId", v.experimentId());
            seed.put("finished", v.finished());
            seed.put("holds", v.holds());
            seed.put("checks", v.checks().stream().map(c -> {
                Map<String, Object> check = new LinkedHashMap<>();
                check.put("what", c.what());
                check.put("value", Double.isFinite(c.value()) ? c.value() : null);
                check.put("rule", c.judged());
                check.put("holds", c.holds());
                return check;
            }).toList());
            return seed;
        }).toList());
        out.put("counts", verdict.counts().stream().map(c -> Map.of("what", c.what(), "rule", c.rule(), "held", c.held(), "of", c.of())).toList());
        out.put("holding", verdict.holding());
        out.put("finished", verdict.finished());
        return out;
    }

    void list(Context ctx) {
        ctx.json(Map.of("lessons", lessons.all().stream().map(LessonRoutes::lesson).toList(), "sweeps", java.util.List.of(sweep(lessons.sweep()))));
    }

    /** A guided sweep: its {@code sweep} is the body {@code POST /api/sweeps} takes (and what a sweep leaves out defaults to). */
    private static Map<String, Object> sweep(SweepLesson lesson) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", lesson.id());
        out.put("title", lesson.title());
        out.put("claim", lesson.claim());
        out.put("whatToLookAt", lesson.whatToLookAt());
        out.put("budget", lesson.budget());
        out.put("honestly", lesson.honestly());
        out.put("captions", lesson.captions());
        out.put("sweep", lesson.sweep());
        return out;
    }

    private static Map<String, Object> lesson(Lesson lesson) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", lesson.id());
        out.put("title", lesson.title());
        out.put("claim", lesson.claim());
        out.put("whatToLookAt", lesson.whatToLookAt());
        out.put("honestly", lesson.honestly());
        out.put("captions", lesson.captions());
        out.put("experiment", lesson.experiment());
        out.put("variants", lesson.variants());
        return out;
    }
}
