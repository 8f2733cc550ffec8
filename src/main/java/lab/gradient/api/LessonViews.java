package lab.gradient.api;

import java.util.LinkedHashMap;
import java.util.Map;
import lab.gradient.lessons.Lesson;

/** The JSON shape of a lesson: its {@code experiment} is the body {@code POST /api/experiments} takes to run it. */
final class LessonViews {
    private LessonViews() {}

    static Map<String, Object> lesson(Lesson lesson) {
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
