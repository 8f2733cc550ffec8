package lab.gradient.labs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.Lessons;
import lab.gradient.lessons.SweepGrid;
import lab.gradient.training.CorpusSpec;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.training.ModelKind;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingSettings;

/**
 * What a teacher fixes for a lab. Null means "not limited": any corpus, any number of runs (up to the server's own
 * per-owner cap), the model's own epochs, every model.
 *
 * @param corpus the sentences every experiment of the lab trains on, or null
 * @param maxRunsPerStudent runs a student may start in the lab in all, or null
 * @param maxEpochs the most epochs an arm may ask for, or null
 * @param allowedModels model ids students may pick, or null for all
 * @param maxTrainingPerStudent a student's runs that train at once; the rest wait their turn (1: the fair default)
 * @param open whether students can join and submit
 * @param lesson the guided lesson every student runs, as its definition gives it (only the seed may differ), or null;
 *     a lesson brings its own sentences, models and length, so it excludes corpus, allowedModels and maxEpochs
 * @param sweep the class sweep every student starts a cell of (a {@link SweepGrid} as written), or null; like a lesson it
 *     brings its own sentences, models and length, and its own seeds
 * @param seeds {@value #CLASS_SEED}: everyone's experiment keeps its seed, so identical experiments train once and
 *     everyone sees the same result; {@value #STUDENT_SEED}: each student's seeds are offset by their number in the
 *     class (the first to join adds 1), so the class is an ensemble that shows what is seed noise
 */
public record LabSettings(CorpusSpec corpus, Integer maxRunsPerStudent, Integer maxEpochs, List<String> allowedModels,
        int maxTrainingPerStudent, boolean open, String lesson, String seeds, ObjectNode sweep) {
    public static final String CLASS_SEED = "class", STUDENT_SEED = "student";

    private static final Set<String> FIELDS = Set.of("corpus", "maxRunsPerStudent", "maxEpochs", "allowedModels",
            "maxTrainingPerStudent", "open", "lesson", "seeds", "sweep");

    public LabSettings {
        // labs stored before seeds could be chosen had one seed for the class
        if (seeds == null) seeds = CLASS_SEED;
    }

    public static LabSettings defaults() {
        return new LabSettings(null, null, null, null, 1, true, null, CLASS_SEED, null);
    }

    public boolean seedPerStudent() {
        return STUDENT_SEED.equals(seeds);
    }

    /** The class sweep's grid, or null when the lab's experiment is not a sweep. */
    public SweepGrid sweepGrid() {
        return sweep == null ? null : SweepGrid.parse(sweep, "settings.sweep.", Set.of());
    }

    public boolean allows(ModelKind model) {
        return allowedModels == null || allowedModels.contains(model.id);
    }

    /** Reads {@code settings} of {@code POST /api/labs}; a refusal names the field as {@code settings.<name>}. */
    public static LabSettings parse(JsonNode node) {
        if (node == null || node.isNull()) return defaults();
        if (!node.isObject()) throw new SettingsException("settings", "must be an object");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) throw new SettingsException("settings." + name, "unknown field; expected " + String.join(", ", FIELDS));
        }
        CorpusSpec corpus = null;
        if (node.hasNonNull("corpus")) {
            try {
                corpus = ExperimentRequests.corpus(node.get("corpus"));
                corpus.requireTrainable(new TrainingSettings());
            } catch (SettingsException e) {
                throw new SettingsException("settings." + e.field(), e.reason());
            }
        }
        List<String> models = null;
        if (node.hasNonNull("allowedModels")) {
            JsonNode list = node.get("allowedModels");
            if (!list.isArray() || list.isEmpty()) throw new SettingsException("settings.allowedModels", "give a list of model ids, e.g. [\"rnn\", \"lstm\"]");
            models = new ArrayList<>();
            for (JsonNode m : list) {
                if (!m.isTextual()) throw new SettingsException("settings.allowedModels", "give one of " + ModelKind.ids());
                try {
                    models.add(ModelKind.of(m.asText()).id);
                } catch (SettingsException e) {
                    throw new SettingsException("settings.allowedModels", e.reason());
                }
            }
            models = List.copyOf(new java.util.LinkedHashSet<>(models));
        }
        boolean open = true;
        if (node.hasNonNull("open")) {
            if (!node.get("open").isBoolean()) throw new SettingsException("settings.open", "must be true or false");
            open = node.get("open").booleanValue();
        }
        Integer training = bounded(node, "maxTrainingPerStudent", 1, 8);
        Integer maxEpochs = bounded(node, "maxEpochs", 1, 100_000);
        String lesson = null;
        if (node.hasNonNull("lesson")) {
            JsonNode id = node.get("lesson");
            if (!id.isTextual() || Lessons.byId(id.asText()).isEmpty()) {
                throw new SettingsException("settings.lesson", "give one of " + Lessons.all().stream().map(Lesson::id).toList());
            }
            lesson = id.asText();
            for (String excluded : List.of("corpus", "allowedModels", "maxEpochs")) {
                if (node.hasNonNull(excluded)) {
                    throw new SettingsException("settings." + excluded, "a lesson brings its own sentences, models and length: leave "
                            + excluded + " out when you set a lesson");
                }
            }
        }
        String seeds = CLASS_SEED;
        if (node.hasNonNull("seeds")) {
            JsonNode value = node.get("seeds");
            if (!value.isTextual() || !Set.of(CLASS_SEED, STUDENT_SEED).contains(value.asText())) {
                throw new SettingsException("settings.seeds", "\"" + CLASS_SEED + "\" (one seed for the class) or \"" + STUDENT_SEED
                        + "\" (a seed per student)");
            }
            seeds = value.asText();
        }
        ObjectNode sweep = null;
        if (node.hasNonNull("sweep")) {
            sweep = SweepGrid.parse(node.get("sweep"), "settings.sweep.", Set.of()).write();
            for (String excluded : List.of("lesson", "corpus", "allowedModels", "maxEpochs")) {
                if (node.hasNonNull(excluded)) {
                    throw new SettingsException("settings." + excluded, "a sweep brings its own sentences, models and length: leave "
                            + excluded + " out when you set a sweep");
                }
            }
            if (STUDENT_SEED.equals(seeds)) {
                throw new SettingsException("settings.seeds", "a sweep gives each student a cell of its grid, seed included: leave seeds out");
            }
        }
        return new LabSettings(corpus, bounded(node, "maxRunsPerStudent", 1, 1000), maxEpochs, models,
                training == null ? 1 : training, open, lesson, seeds, sweep);
    }

    private static Integer bounded(JsonNode node, String name, int min, int max) {
        if (!node.hasNonNull(name)) return null;
        int value = ExperimentRequests.integer(node.get(name), "settings." + name);
        if (value < min || value > max) throw new SettingsException("settings." + name, "must be between " + min + " and " + max + ", was " + value);
        return value;
    }
}
