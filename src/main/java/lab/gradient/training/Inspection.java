package lab.gradient.training;

import java.util.List;

/**
 * The sentence x-ray of one trained model ({@link Inspector}): per word its saliency, the factor ∂o_t/∂o_{t−1}'s size
 * and the product's, the hidden state, and the LSTM's gates and cell. Units × words matrices are {@code [unit][word]};
 * {@code gates} and {@code cell} are the LSTM's only.
 */
public record Inspection(List<String> words, String predicted, String target, double[] saliency, String factorsOf,
        double[] factors, double[] product, double[][] hidden, Gates gates, double[] cell, int layers) {
    public record Gates(double[][] forget, double[][] input, double[][] output) {}
}
