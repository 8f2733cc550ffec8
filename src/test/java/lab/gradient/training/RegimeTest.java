package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each regime on a constructed trajectory, and the order in which the rule decides between them. */
class RegimeTest {
    static final double[] NONE = {};
    static final double NAN = Double.NaN;

    static Regime.Evidence evidence(boolean diverged, int jumps, double[] flows, double radius, double accuracy,
            double[] validation, double trainEarly, double trainNow) {
        return new Regime.Evidence(diverged, jumps, flows, radius, accuracy, validation, trainEarly, trainNow);
    }

    @Test
    void tooEarlyWithOnlyTheFirstProbe() {
        assertNull(Regime.of(evidence(false, 0, new double[] {0.5}, 1.0, NAN, NONE, NAN, 3.0)));
    }

    @Test
    void divergedOrAJumpIsExplodingWhateverElseHolds() {
        assertEquals(Regime.EXPLODING, Regime.of(evidence(true, 0, new double[] {1e-9}, 1.0, NAN, NONE, NAN, NAN)));
        assertEquals(Regime.EXPLODING, Regime.of(evidence(false, 1, new double[] {0.5, 1e-5}, 1.0, NAN, NONE, NAN, 3.0)));
    }

    @Test
    void aJumpIsOverAHundredTimesTheMedianOfTheTwentyStepsBefore() {
        double[] before = {1, 1, 2, 1, 1, 1};
        assertTrue(Regime.isJump(101, before));
        assertFalse(Regime.isJump(99, before));
        assertFalse(Regime.isJump(1e6, new double[] {1, 1, 1, 1}), "fewer than 5 steps before: too early to call a jump");
        assertFalse(Regime.isJump(Double.NaN, before), "NaN is divergence, counted on its own");
    }

    @Test
    void aFarBackGradientAtOnePercentOrLessIsVanishing() {
        assertEquals(Regime.VANISHING, Regime.of(evidence(false, 0, new double[] {0.04, 0.01}, 0.9, 0.12, NONE, NAN, 3.0)));
        assertEquals(Regime.VANISHING, Regime.of(evidence(false, 0, new double[] {0.04, 0.0}, 0.9, 0.12, NONE, NAN, 3.0)));
        assertEquals(Regime.HEALTHY, Regime.of(evidence(false, 0, new double[] {0.04, 0.011}, 0.9, NAN, NONE, NAN, 3.0)));
    }

    @Test
    void aGrownWhoseFarBackGradientSwingsOrCarriesNothingIsErratic() {
        // ρ 3.4, swinging 0.02 … 0.45 between probes
        assertEquals(Regime.ERRATIC, Regime.of(evidence(false, 0, new double[] {0.04, 0.45, 0.02, 0.3}, 3.4, NAN, NONE, NAN, 3.0)));
        // ρ 3.4, steady 0.31, but the long-range answers stay at chance: no usable signal
        assertEquals(Regime.ERRATIC, Regime.of(evidence(false, 0, new double[] {0.04, 0.3, 0.31, 0.31}, 3.4, 0.14, NONE, NAN, 3.0)));
        // the same ρ on a model that uses the key is healthy
        assertEquals(Regime.HEALTHY, Regime.of(evidence(false, 0, new double[] {0.04, 0.3, 0.31, 0.31}, 3.4, 0.95, NONE, NAN, 3.0)));
        // an LSTM (no ρ) is never erratic
        assertEquals(Regime.HEALTHY, Regime.of(evidence(false, 0, new double[] {0.04, 0.45, 0.02, 0.3}, NAN, 0.14, NONE, NAN, 3.0)));
    }

    @Test
    void validationRisingWhileTrainingFallsIsOverfitting() {
        // a student's 12 sentences: train 0.05, validation 4.2 → 6.2
        double[] validation = {5.0, 4.2, 4.9, 6.2};
        assertEquals(Regime.OVERFITTING, Regime.of(evidence(false, 0, new double[] {0.2, 0.3}, 1.2, NAN, validation, 1.5, 0.05)));
        assertEquals(Regime.HEALTHY, Regime.of(evidence(false, 0, new double[] {0.2, 0.3}, 1.2, NAN, new double[] {5.0, 4.2, 4.3}, 1.5, 0.05)));
        assertEquals(Regime.HEALTHY, Regime.of(evidence(false, 0, new double[] {0.2, 0.3}, 1.2, NAN, validation, 1.5, 1.6)),
                "training loss not falling: not memorising");
    }
}
