package lab.gradient.lessons;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * One guided experiment, as data: the notes' claim it demonstrates, the complete experiment (the very body
 * {@code POST /api/experiments} accepts), what the student must see (its signature, checked on the finished runs),
 * and the words around the charts. The UI's buttons, the API, the command line and the lessons suite all read this.
 *
 * @param claim the notes' claim, in their words
 * @param whatToLookAt where on the page the claim shows, in the order a student should look
 * @param honestly where the claim holds and where it does not, as measured (see docs/lessons.md)
 * @param captions per chart id ({@code loss}, {@code gradNorm}, {@code flow}, {@code heatmap}, {@code spectral}): what that
 *     chart shows for this lesson's arms
 * @param variants further experiments the signature needs (e.g. the same arm at other learning rates), by name
 */
public record Lesson(String id, String title, String claim, String whatToLookAt, String honestly,
        Map<String, String> captions, ObjectNode experiment, Map<String, ObjectNode> variants, Signature signature) {

    /** The seed a student's click uses: the lesson's own (42), the one its signature is checked on in the default tests. */
    public long defaultSeed() {
        return experiment.get("training").get("seed").asLong();
    }

    /** The lesson's experiment with another seed: all a client needs to change to repeat it. */
    public ObjectNode experiment(long seed) {
        return withSeed(experiment, seed);
    }

    /** A variant's experiment with another seed. */
    public ObjectNode variant(String name, long seed) {
        return withSeed(variants.get(name), seed);
    }

    private static ObjectNode withSeed(ObjectNode body, long seed) {
        ObjectNode copy = body.deepCopy();
        ((ObjectNode) copy.get("training")).put("seed", seed);
        return copy;
    }

    /** What the student must see, as predicates over the finished runs of the lesson and of its variants. */
    @FunctionalInterface
    public interface Signature {
        List<Check> checks(Outcome outcome);
    }

    /**
     * One predicate of a signature and the number it was judged on; {@code seen}, for a regime check, the regime this
     * run showed (null otherwise), kept apart from the rule so that the rule reads the same on every seed.
     */
    public record Check(String what, double value, String rule, boolean holds, String seen) {
        public static Check atLeast(String what, double value, double bound) {
            return new Check(what, value, "≥ " + bound, value >= bound, null);
        }

        public static Check atMost(String what, double value, double bound) {
            return new Check(what, value, "≤ " + bound, value <= bound, null);
        }

        public static Check that(String what, double value, String rule, boolean holds) {
            return new Check(what, value, rule, holds, null);
        }

        /** A regime check: the rule, and the regime this run showed. */
        public static Check that(String what, double value, String rule, String seen, boolean holds) {
            return new Check(what, value, rule, holds, seen);
        }

        /** The rule as this run was judged on it: "vanishing or erratic, was vanishing". */
        public String judged() {
            return seen == null ? rule : rule + ", was " + seen;
        }
    }
}
