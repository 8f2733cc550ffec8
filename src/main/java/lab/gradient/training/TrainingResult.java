package lab.gradient.training;

/** How a run ended, its one-line numbers, and the trained model for prediction. */
public record TrainingResult(Status status, Summary summary, TrainedModel model) {

    public enum Status { COMPLETED, CANCELLED, DIVERGED }

    /**
     * @param gradientFlowRatio g(d)/g(0) at the last probe: d is the preset's distance, else the window's far end
     * @param explodingEvents exploding steps by {@link Regime#isJump}
     * @param divergedAt the iteration whose loss or gradient was NaN or infinite, or -1
     * @param budgetExhausted the run stopped because its time budget ran out, not because it reached its last iteration
     * @param initialFlowRatio g(d)/g(0) at iteration 0: the product of factors before anything was learned
     * @param spectralRadius the largest spectral radius among a vanilla RNN's W_h at the last probe; NaN for an LSTM
     */
    public record Summary(int iterations, double trainLoss, double valLoss, double valPerplexity, double top1, double top5,
            double longRangeAccuracy, double maxGradNorm, int explodingEvents, int divergedAt, double seconds,
            int flowDistance, double gradientFlowRatio, boolean budgetExhausted,
            double initialFlowRatio, double spectralRadius, Double gradientCheck) {}
}
