package lab.gradient.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.LessonService;
import lab.gradient.lessons.SweepLesson;

/**
 * {@code GET /api/lessons}: each lesson's {@code experiment} is the body {@code POST /api/experiments} takes to run it; each
 * guided sweep's {@code sweep} the body {@code POST /api/sweeps} takes.
 */
final class LessonRoutes {
    private final LessonService lessons;

    LessonRoutes(LessonService lessons) {
        this.lessons = lessons;
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
