package lab.gradient.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import lab.gradient.model.Json;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingSettings;

/**
 * Turns an experiment request (the body of {@code POST /api/experiments}, or the form of the New experiment view
 * written as the same JSON) into an experiment spec. Every arm starts from the defaults of its
 * corpus and model, then takes the shared {@code training} settings, then its own; a refusal names the field as
 * the caller wrote it ({@code training.hidden}, {@code arms[1].clip.threshold}).
 */
public final class ExperimentRequests {
    static final int MAX_ARMS = 6;
    private static final Set<String> TOP = Set.of("name", "lab", "lesson", "corpus", "arms", "training");
    static final List<String> SETTINGS = List.of("seed", "epochs", "maxIterations", "window", "batch", "hidden", "layers",
            "skip", "embedding", "optimizer", "learningRate", "decay", "init", "initScale", "forgetBias", "clip", "probeEvery", "minCount",
            "maxVocab", "validationFraction");

    private ExperimentRequests() {}

    public static RunService.ExperimentSpec parse(JsonNode body) {
        return parse(body, code -> Optional.empty(), lesson -> false);
    }

    /**
     * {@code lockedCorpus} gives the corpus a lab's teacher fixed, by join code: an experiment for that lab may leave
     * its corpus out (it gets the lab's) but may not ask for another one. {@code isLesson} tells which lesson ids exist
     * (the lessons catalogue sits above this layer, so the front door hands it down).
     */
    public static RunService.ExperimentSpec parse(JsonNode body, Function<String, Optional<CorpusSpec>> lockedCorpus,
            Predicate<String> isLesson) {
        if (body == null || !body.isObject()) throw new SettingsException(null, "the body must be a JSON object");
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!TOP.contains(name)) throw new SettingsException(name, "unknown field; expected " + String.join(", ", TOP));
        }
        String name = optionalText(body, "name", 200);
        if (name != null) name = Names.clean("name", name, 200);
        String lab = optionalText(body, "lab", 32);
        String lesson = optionalText(body, "lesson", 32);
        if (lesson != null && !isLesson.test(lesson)) throw new SettingsException("lesson", "unknown lesson '" + lesson + "'; GET /api/lessons lists them");
        Optional<CorpusSpec> locked = lab == null ? Optional.empty() : lockedCorpus.apply(lab);
        CorpusSpec corpus;
        if (locked.isPresent() && (body.get("corpus") == null || body.get("corpus").isNull())) {
            corpus = locked.get();
        } else {
            corpus = corpus(body.get("corpus"));
            if (locked.isPresent() && !sameSentences(corpus, locked.get())) {
                throw new SettingsException("corpus", "this lab trains on the sentences its teacher chose: leave corpus out");
            }
        }
        JsonNode training = body.get("training");
        if (training != null && !training.isObject()) throw new SettingsException("training", "must be an object of settings");
        JsonNode arms = body.get("arms");
        if (arms == null || !arms.isArray() || arms.isEmpty()) throw new SettingsException("arms", "give a list of 1 to " + MAX_ARMS + " arms, e.g. [{\"model\":\"rnn\"},{\"model\":\"lstm\"}]");
        if (arms.size() > MAX_ARMS) throw new SettingsException("arms", "at most " + MAX_ARMS + " arms, was " + arms.size());
        List<RunService.Arm> out = new ArrayList<>();
        for (int i = 0; i < arms.size(); i++) {
            String prefix = "arms[" + i + "]";
            JsonNode arm = arms.get(i);
            if (!arm.isObject()) throw new SettingsException(prefix, "must be an object with a model");
            JsonNode model = arm.get("model");
            if (model == null || !model.isTextual()) throw new SettingsException(prefix + ".model", "give one of " + ModelKind.ids());
            ModelKind kind;
            try {
                kind = ModelKind.of(model.asText());
            } catch (SettingsException e) {
                throw new SettingsException(prefix + ".model", e.reason());
            }
            TrainingSettings s = corpus.isLongRange() ? TrainingSettings.forLongRange(kind, corpus.effectiveDistance())
                    : new TrainingSettings().tunedFor(kind);
            if (training != null) apply(s, training, "training");
            apply(s, arm, prefix);
            try {
                s.validate(kind);
            } catch (SettingsException e) {
                String field = arm.has(root(e.field())) ? prefix + "." + e.field()
                        : training != null && training.has(root(e.field())) ? "training." + e.field() : e.field();
                throw new SettingsException(field, e.reason());
            }
            out.add(new RunService.Arm(kind, s));
        }
        return new RunService.ExperimentSpec(name, lab, corpus, out, lesson);
    }

    private static String root(String field) {
        int dot = field.indexOf('.');
        return dot < 0 ? field : field.substring(0, dot);
    }

    private static boolean sameSentences(CorpusSpec a, CorpusSpec b) {
        return Objects.equals(a.text(), b.text()) && Objects.equals(a.preset(), b.preset())
                && (!a.isLongRange() || a.effectiveDistance() == b.effectiveDistance());
    }

    /** A corpus object, checked as far as it can be before training: fields named {@code corpus.*}. */
    public static CorpusSpec corpus(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new SettingsException("corpus", "give {\"text\": \"…\"} or {\"preset\": \"seed-examples\" | \"long-range\" | \"english-prose\"}");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("text", "preset", "distance").contains(f)) throw new SettingsException("corpus." + f, "unknown field; expected text, or preset and distance");
        }
        String text = null, preset = null;
        Integer distance = null;
        if (node.has("text")) {
            if (!node.get("text").isTextual()) throw new SettingsException("corpus.text", "must be a string");
            text = node.get("text").asText();
        }
        if (node.has("preset")) {
            if (!node.get("preset").isTextual()) throw new SettingsException("corpus.preset", "must be a string");
            preset = node.get("preset").asText();
        }
        if (node.has("distance")) distance = integer(node.get("distance"), "corpus.distance");
        CorpusSpec spec = new CorpusSpec(text, preset, distance);
        spec.validate();
        // build what can be refused early: a long-range distance out of range, text over 1 MB (CorpusTooLarge)
        if (spec.isLongRange()) lab.gradient.training.Presets.longRange(spec.effectiveDistance(), 1, 0);
        if (text != null) lab.gradient.training.Corpus.ofText(text, true);
        return spec;
    }

    /** Sets each named setting; unknown names and wrong types are refused with the field's full name. */
    public static void apply(TrainingSettings s, JsonNode node, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            String field = prefix + "." + key;
            switch (key) {
                case "model" -> { } // an arm's model, read by the caller
                case "seed" -> s.seed = longValue(v, field);
                case "epochs" -> s.epochs = integer(v, field);
                case "maxIterations" -> s.maxIterations = integer(v, field);
                case "window" -> s.window = integer(v, field);
                case "batch" -> s.batch = integer(v, field);
                case "hidden" -> s.hidden = integer(v, field);
                case "layers" -> s.layers = integer(v, field);
                case "skip" -> s.skip = integer(v, field);
                case "embedding" -> s.embedding = integer(v, field);
                case "probeEvery" -> s.probeEvery = integer(v, field);
                case "minCount" -> s.minCount = integer(v, field);
                case "maxVocab" -> s.maxVocab = integer(v, field);
                case "learningRate" -> s.learningRate = number(v, field);
                case "decay" -> s.decay = number(v, field);
                case "initScale" -> s.initScale = number(v, field);
                case "forgetBias" -> s.forgetBias = number(v, field);
                case "validationFraction" -> s.validationFraction = number(v, field);
                case "optimizer" -> s.optimizer = choice(v, field, TrainingSettings.Optimizer.class);
                case "init" -> s.init = choice(v, field, TrainingSettings.Init.class);
                case "clip" -> clip(s, v, field);
                default -> throw new SettingsException(field, "unknown setting; known: " + String.join(", ", SETTINGS));
            }
        }
    }

    /**
     * Settings in the request's own format (lower-case choices, {@code clip: {mode, threshold}}): what
     * {@link #apply} reads back into the very same settings, so a stored run can be posted again or forked.
     */
    public static ObjectNode write(TrainingSettings s) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("seed", s.seed).put("epochs", s.epochs).put("maxIterations", s.maxIterations).put("window", s.window)
                .put("batch", s.batch).put("hidden", s.hidden).put("layers", s.layers).put("skip", s.skip)
                .put("embedding", s.embedding).put("optimizer", TrainingSettings.lower(s.optimizer))
                .put("learningRate", s.learningRate).put("decay", s.decay).put("init", TrainingSettings.lower(s.init))
                .put("initScale", s.initScale).put("forgetBias", s.forgetBias).put("probeEvery", s.probeEvery)
                .put("minCount", s.minCount).put("maxVocab", s.maxVocab).put("validationFraction", s.validationFraction);
        out.putObject("clip").put("mode", TrainingSettings.lower(s.clip)).put("threshold", s.clipThreshold);
        return out;
    }

    private static void clip(TrainingSettings s, JsonNode v, String field) {
        if (v.isTextual()) {
            s.clip = choice(v, field, TrainingSettings.ClipMode.class);
            return;
        }
        if (!v.isObject()) throw new SettingsException(field, "must be {\"mode\": \"none\"|\"norm\"|\"layer-norm\"|\"value\", \"threshold\": τ}");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "mode" -> s.clip = choice(e.getValue(), field + ".mode", TrainingSettings.ClipMode.class);
                case "threshold" -> s.clipThreshold = number(e.getValue(), field + ".threshold");
                default -> throw new SettingsException(field + "." + e.getKey(), "unknown field; expected mode and threshold");
            }
        }
    }

    private static <E extends Enum<E>> E choice(JsonNode v, String field, Class<E> type) {
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(TrainingSettings::lower).toList();
        if (v.isTextual()) {
            String text = v.asText().toLowerCase(Locale.ROOT);
            for (E constant : type.getEnumConstants()) if (TrainingSettings.lower(constant).equals(text)) return constant;
        }
        throw new SettingsException(field, "must be one of " + String.join(", ", allowed));
    }

    public static int integer(JsonNode v, String field) {
        if (v == null || !v.isIntegralNumber()) throw new SettingsException(field, "must be a whole number");
        if (!v.canConvertToInt()) {
            String rule = TrainingSettings.rangeRule(field.substring(field.lastIndexOf('.') + 1));
            throw new SettingsException(field, (rule == null ? "is far too large" : rule) + ", was " + v.asText());
        }
        return v.intValue();
    }

    private static long longValue(JsonNode v, String field) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) throw new SettingsException(field, "must be a whole number");
        return v.longValue();
    }

    private static double number(JsonNode v, String field) {
        if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue())) throw new SettingsException(field, "must be a finite number");
        return v.doubleValue();
    }

    private static String optionalText(JsonNode body, String field, int maxLength) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new SettingsException(field, "must be a string");
        if (v.asText().length() > maxLength) throw new SettingsException(field, "at most " + maxLength + " characters");
        return v.asText();
    }
}
