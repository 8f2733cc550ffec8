package lab.gradient.lessons;

import java.util.List;
import java.util.Map;
import lab.gradient.training.Regime;

/** A lesson's finished runs, arm by arm, as its signature reads them; variants by name. */
public record Outcome(List<Arm> arms, Map<String, List<Arm>> variants) {

    /**
     * One finished run's numbers.
     *
     * @param regime the diagnosis's verdict at the end (null if it could not say)
     * @param initialFlowRatio g(d)/g(0) at iteration 0, before anything was learned
     * @param flowRatio g(d)/g(0) at the last probe
     * @param spectralRadius the largest ρ(W_h) of a vanilla RNN at the last probe (NaN for an LSTM)
     * @param initialLargestSingularValue σ_max(W_h) at iteration 0 (the first recurrent matrix)
     * @param firstLoss mean training loss of the first 20 iterations
     * @param lastLoss mean training loss of the last 20 iterations
     */
    public record Arm(String model, String status, Regime regime, double longRangeAccuracy, double initialFlowRatio,
            double flowRatio, double spectralRadius, double initialLargestSingularValue, double firstLoss, double lastLoss,
            int iterations, double seconds) {
        public boolean diverged() {
            return "diverged".equals(status);
        }
    }

    public Arm arm(int index) {
        return arms.get(index);
    }

    public Arm variant(String name) {
        return variants.get(name).get(0);
    }
}
