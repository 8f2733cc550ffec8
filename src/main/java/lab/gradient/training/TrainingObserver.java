package lab.gradient.training;

import java.util.Map;

/** What a run reports while it trains. Storage and the live UI implement it; training knows nothing of them. */
public interface TrainingObserver {

    /** One optimisation step. Gradient norms are of the mean loss over the batch, before and after clipping. */
    record IterationMetrics(int iteration, int epoch, double loss, Map<String, Double> gradNorm,
            Map<String, Double> gradNormClipped, Map<String, Double> updateRatio, double seconds) {}

    /** g(k) = ‖∂L_T/∂x_{T−k}‖ for k = 0 … T−1, measured at {@code iteration} (0 = before any update). */
    record GradientFlow(int iteration, double[] norm) {}

    record Spectrum(int iteration, Map<String, RecurrentSpectrum.Values> matrices) {}

    record Validation(int iteration, int epoch, Evaluator.Result result) {}

    record Progress(int iteration, int totalIterations, double seconds, double etaSeconds) {}

    default void onIteration(IterationMetrics metrics) {}

    default void onGradientFlow(GradientFlow flow) {}

    default void onSpectrum(Spectrum spectrum) {}

    default void onValidation(Validation validation) {}

    default void onProgress(Progress progress) {}

    TrainingObserver NONE = new TrainingObserver() {};
}
