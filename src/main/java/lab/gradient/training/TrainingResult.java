package lab.gradient.training;

/** How a run ended, its one-line numbers, and the trained model for prediction. */
public record TrainingResult(Status status, Summary summary, TrainedModel model) {

    public enum Status { COMPLETED, CANCELLED, DIVERGED }

    /**
     * @param gradientFlowRatio g(d)/g(0) at the last probe: d is the preset's distance, else the window's far end
     * @param explodingEvents iterations whose gradient norm jumped over 10× the median of the 20 before
     * @param divergedAt the iteration whose loss or gradient was NaN or infinite, or -1
     * @param budgetExhausted the run stopped because its time budget ran out, not because it reached its last iteration
     */
    public record Summary(int iterations, double trainLoss, double valLoss, double valPerplexity, double top1, double top5,
            double longRangeAccuracy, double maxGradNorm, int explodingEvents, int divergedAt, double seconds,
            int flowDistance, double gradientFlowRatio, boolean budgetExhausted) {}
}
