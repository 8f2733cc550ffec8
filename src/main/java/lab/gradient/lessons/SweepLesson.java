package lab.gradient.lessons;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A guided sweep, as data: the notes' claim, the complete sweep (the very body {@code POST /api/sweeps} accepts; what
 * a sweep leaves out is taken from here), and the words around its charts. The sweep page, the new-sweep form, the
 * API, the command line and a lab's class sweep all read this.
 *
 * @param budget how long one point trains and which accuracy is plotted, as the page says it
 * @param honestly where the claim holds and where it does not, as measured (see docs/lessons.md)
 * @param captions per chart id ({@code accuracy}, {@code flow})
 */
public record SweepLesson(String id, String title, String claim, String whatToLookAt, String budget, String honestly,
        Map<String, String> captions, ObjectNode sweep) {

    /** A copy of the sweep's body, to change or post. */
    public ObjectNode sweep() {
        return sweep.deepCopy();
    }
}
