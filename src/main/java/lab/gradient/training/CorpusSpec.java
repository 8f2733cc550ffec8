package lab.gradient.training;


/** Where an experiment's sentences come from: the user's text, or a preset (with its distance for long-range). */
public record CorpusSpec(String text, String preset, Integer distance) {

    public static CorpusSpec ofPreset(String preset, Integer distance) {
        return new CorpusSpec(null, preset, distance);
    }

    public void validate() {
        if ((text == null) == (preset == null)) throw new SettingsException("corpus", "give either text or preset");
        if (text != null && text.isBlank()) throw new SettingsException("corpus.text", "is empty");
        if (preset != null && !Presets.NAMES.contains(preset)) {
            throw new SettingsException("corpus.preset", "unknown preset '" + preset + "'; choose one of " + String.join(", ", Presets.NAMES));
        }
    }

    /**
     * The training data a run with these settings would build, or a refusal naming the field when the sentences cannot
     * train (no sentence of two words): what submission checks before anything is stored.
     */
    public TrainingData requireTrainable(TrainingSettings settings) {
        try {
            return TrainingData.of(load(settings.seed), settings);
        } catch (SettingsException e) {
            throw new SettingsException(text != null ? "corpus.text" : "corpus", e.reason());
        }
    }

    public int effectiveDistance() {
        return distance == null ? Presets.DEFAULT_DISTANCE : distance;
    }

    public boolean isLongRange() {
        return "long-range".equals(preset);
    }

    public Corpus load(long seed) {
        return text != null ? Corpus.ofText(text, true) : Presets.load(preset, effectiveDistance(), seed);
    }
}
