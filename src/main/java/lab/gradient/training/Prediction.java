package lab.gradient.training;

import java.util.List;

/**
 * A trained model's next word for a prefix: the top words with their probabilities; {@code unknown}, words of the
 * prefix the model never saw (read as {@code <unk>}, not dropped).
 */
public record Prediction(List<WordProbability> predictions, List<String> unknown) {
    public record WordProbability(String word, double p) {}
}
