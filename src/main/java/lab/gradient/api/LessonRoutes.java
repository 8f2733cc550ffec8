package lab.gradient.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.LessonService;

/** {@code GET /api/lessons}: each lesson's {@code experiment} is the body {@code POST /api/experiments} takes to run it. */
final class LessonRoutes {
    private final LessonService lessons;

    LessonRoutes(LessonService lessons) {
        this.lessons = lessons;
    }

    void list(Context ctx) {
        ctx.json(Map.of("lessons", lessons.all().stream().map(LessonRoutes::lesson).toList()));
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
