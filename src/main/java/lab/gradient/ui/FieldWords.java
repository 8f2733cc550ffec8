package lab.gradient.ui;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A refusal's field in the words of the form ("Epochs of model 2") instead of its path in the request
 * ({@code arms[1].epochs}). The API keeps the path in {@code field}; the page says where to look.
 */
final class FieldWords {
    private static final Pattern ARM = Pattern.compile("arms\\[(\\d+)](?:\\.(.+))?");
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("name", "Experiment name"), Map.entry("corpus", "Sentences"), Map.entry("corpus.text", "Your sentences"),
            Map.entry("corpus.preset", "Sentences"), Map.entry("corpus.distance", "Distance d"), Map.entry("model", "Model"),
            Map.entry("maxIterations", "Iterations"), Map.entry("epochs", "Epochs"), Map.entry("window", "Window T"),
            Map.entry("hidden", "Hidden units"), Map.entry("batch", "Batch"), Map.entry("embedding", "Embedding size"),
            Map.entry("layers", "Layers"), Map.entry("skip", "Skip"), Map.entry("optimizer", "Optimizer"),
            Map.entry("learningRate", "Learning rate"), Map.entry("decay", "Learning-rate decay"),
            Map.entry("init", "Recurrent weights start as"), Map.entry("initScale", "Init scale"),
            Map.entry("forgetBias", "Forget-gate bias"), Map.entry("clip", "Gradient clipping"),
            Map.entry("clip.mode", "Gradient clipping"), Map.entry("clip.threshold", "Clip threshold"),
            Map.entry("probeEvery", "Probe every"), Map.entry("seed", "Seed"), Map.entry("lab", "Lab"), Map.entry("lesson", "Lesson"));

    private FieldWords() {}

    /** "Epochs of model 2: at most 5 epochs in this lab, was 20", or the reason alone when it names no field. */
    static String message(String field, String reason) {
        String words = of(field);
        return words == null ? reason : words + ": " + reason;
    }

    static String of(String field) {
        if (field == null) return null;
        Matcher arm = ARM.matcher(field);
        if (arm.matches()) {
            int model = Integer.parseInt(arm.group(1)) + 1;
            return arm.group(2) == null ? "Model " + model : label(arm.group(2)) + " of model " + model;
        }
        return label(field.startsWith("training.") ? field.substring("training.".length()) : field);
    }

    private static String label(String setting) {
        return LABELS.getOrDefault(setting, setting);
    }
}
