package lab.gradient.lessons;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import lab.gradient.model.Json;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.training.ModelKind;
import lab.gradient.training.Presets;
import lab.gradient.training.SettingsException;

/**
 * What a sweep trains: every (model, distance, seed) cell of a grid, each an ordinary one-run experiment on the
 * {@code long-range} preset at that distance. A field left out takes the distance-sweep lesson's (the one definition of
 * the defaults); each cell's run starts from its model's own long-range settings, then {@code training}, then the
 * model's own object, exactly as an experiment's arm does.
 *
 * @param models arm objects as an experiment takes them ({@code {"model": "lstm", "forgetBias": 5}}); no seed
 * @param distances words between the key and its answer, ascending
 * @param seeds seeds per point: cell seeds are {@code training.seed} (42 if unset) plus 0, 1, …
 * @param training settings shared by every cell, as an experiment's {@code training}: the lesson's, each one given replacing it
 */
public record SweepGrid(List<ObjectNode> models, List<Integer> distances, int seeds, ObjectNode training) {
    public static final int MAX_DISTANCES = 10, MAX_SEEDS = 5, MAX_MODELS = 6;
    private static final Set<String> FIELDS = Set.of("models", "distances", "seeds", "training");

    /** One cell: its place in the grid's order (seed by seed, then distance, then model), and what it trains. */
    public record Cell(int index, String model, int distance, int seedIndex, long seed) {}

    /** The grid's cells in the order a class is given them: a whole seed's row of distances and models before the next seed. */
    public List<Cell> cells() {
        long base = training.has("seed") ? training.get("seed").asLong() : 42;
        List<Cell> out = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            for (int distance : distances) {
                for (ObjectNode model : models) out.add(new Cell(out.size(), model.get("model").asText(), distance, s, base + s));
            }
        }
        return out;
    }

    public List<String> modelIds() {
        return models.stream().map(m -> m.get("model").asText()).toList();
    }

    /** The experiment a cell trains: the body {@code POST /api/experiments} takes. */
    public ObjectNode experiment(Cell cell, String sweepName, String lab) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", sweepName + ": " + cell.model() + " at d = " + cell.distance() + (seeds > 1 ? ", seed " + cell.seed() : ""));
        if (lab != null) body.put("lab", lab);
        body.putObject("corpus").put("preset", "long-range").put("distance", cell.distance());
        ObjectNode shared = training.deepCopy();
        shared.put("seed", cell.seed());
        body.set("training", shared);
        body.putArray("arms").add(models.stream().filter(m -> m.get("model").asText().equals(cell.model())).findFirst().orElseThrow().deepCopy());
        return body;
    }

    /** The grid as the API and storage write it: what {@link #parse} reads back into the same grid. */
    public ObjectNode write() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode m = out.putArray("models");
        models.forEach(model -> m.add(model.deepCopy()));
        ArrayNode d = out.putArray("distances");
        distances.forEach(d::add);
        out.put("seeds", seeds);
        out.set("training", training.deepCopy());
        return out;
    }

    /**
     * A grid from a request ({@code prefix} names its fields: "" or "settings.sweep."); what is left out is the lesson's.
     * {@code others}: the request's fields besides the grid's (a sweep's {@code name}); any other field is refused.
     */
    public static SweepGrid parse(JsonNode node, String prefix, Set<String> others) {
        ObjectNode defaults = Lessons.distanceSweep().sweep();
        if (node == null || node.isNull()) node = Json.MAPPER.createObjectNode();
        if (!node.isObject()) throw new SettingsException(prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1), "must be an object");
        requireKnownFields(node, prefix, others);
        List<ObjectNode> models = models(node.has("models") ? node.get("models") : defaults.get("models"), prefix + "models");
        List<Integer> distances = distances(node.has("distances") ? node.get("distances") : defaults.get("distances"), prefix + "distances");
        return new SweepGrid(models, distances, seeds(node.has("seeds") ? node.get("seeds") : defaults.get("seeds"), prefix + "seeds"),
                training((ObjectNode) defaults.get("training"), node.get("training"), prefix + "training", distances));
    }

    private static void requireKnownFields(JsonNode node, String prefix, Set<String> others) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name) && !others.contains(name)) {
                Set<String> known = new java.util.TreeSet<>(FIELDS);
                known.addAll(others);
                throw new SettingsException(prefix + name, "unknown field; expected " + String.join(", ", known));
            }
        }
    }

    private static List<ObjectNode> models(JsonNode list, String field) {
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_MODELS) {
            throw new SettingsException(field, "give 1 to " + MAX_MODELS + " models, e.g. [\"rnn\", \"lstm\"] or [{\"model\": \"lstm\", \"forgetBias\": 5}]");
        }
        List<ObjectNode> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String at = field + "[" + i + "]";
            ObjectNode arm = entry.isTextual() ? Json.MAPPER.createObjectNode().put("model", entry.asText())
                    : entry.isObject() ? ((ObjectNode) entry).deepCopy() : null;
            if (arm == null || !arm.has("model") || !arm.get("model").isTextual()) {
                throw new SettingsException(at, "give a model id (" + ModelKind.ids() + ") or an object with one");
            }
            try {
                arm.put("model", ModelKind.of(arm.get("model").asText()).id);
            } catch (SettingsException e) {
                throw new SettingsException(at, e.reason());
            }
            if (arm.has("seed")) throw new SettingsException(at + ".seed", "a sweep gives each point its seed: set training.seed for the first");
            if (!seen.add(arm.get("model").asText())) throw new SettingsException(at, "each model once; " + arm.get("model").asText() + " is already in the sweep");
            out.add(arm);
        }
        return List.copyOf(out);
    }

    private static List<Integer> distances(JsonNode list, String field) {
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_DISTANCES) {
            throw new SettingsException(field, "give 1 to " + MAX_DISTANCES + " distances, e.g. [5, 10, 20]");
        }
        Set<Integer> out = new java.util.TreeSet<>();
        for (int i = 0; i < list.size(); i++) {
            int d = ExperimentRequests.integer(list.get(i), field + "[" + i + "]");
            if (d < 2 || d > Presets.MAX_DISTANCE) {
                throw new SettingsException(field + "[" + i + "]", "must be between 2 and " + Presets.MAX_DISTANCE + ", was " + d);
            }
            if (!out.add(d)) throw new SettingsException(field + "[" + i + "]", "each distance once; " + d + " is already in the sweep");
        }
        return List.copyOf(out);
    }

    private static int seeds(JsonNode value, String field) {
        int n = ExperimentRequests.integer(value, field);
        if (n < 1 || n > MAX_SEEDS) throw new SettingsException(field, "must be between 1 and " + MAX_SEEDS + ", was " + n);
        return n;
    }

    /** The lesson's training settings, each one given replacing the lesson's (its 1,000 iterations stay unless given). */
    private static ObjectNode training(ObjectNode lesson, JsonNode given, String field, List<Integer> distances) {
        ObjectNode out = lesson.deepCopy();
        if (given == null || given.isNull()) return out;
        if (!given.isObject()) throw new SettingsException(field, "must be an object of settings, as an experiment's training");
        // each setting read as an experiment reads it (its seed too, though the grid adds to it): a wrong type is refused
        // by its full name, never coerced
        ExperimentRequests.apply(new lab.gradient.training.TrainingSettings(), given, field);
        out.setAll((ObjectNode) given);
        if (given.has("window")) {
            // a window of its own must hold the key at every distance of the grid
            int window = ExperimentRequests.integer(given.get("window"), field + ".window");
            int farthest = distances.stream().mapToInt(Integer::intValue).max().orElse(0);
            Presets.requireWindowReaches(farthest, window, field + ".window");
        }
        return out;
    }
}
