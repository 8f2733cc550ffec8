package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A running arm's time left stays steady while its steps are uneven as training makes them: a probe every 10 steps
 * takes 20 times a plain step. An average of recent steps jumped each time one came round (issue 33: 28 s to 2 min
 * and back on one arm); the mean of the steps so far holds the probes as they recur.
 */
class EtaTest {
    @Test
    void theTimeLeftDoesNotJumpWhenAProbesSlowStepComesRound() {
        long[] clock = {0};
        Trainer.Eta eta = new Trainer.Eta(0, () -> clock[0]);
        int total = 1000;
        double plain = 0.010, probe = 0.200;
        double lowest = Double.MAX_VALUE, highest = 0;
        for (int iteration = 1; iteration <= 600; iteration++) {
            clock[0] += (long) ((iteration == 1 ? 2.0 : iteration % 10 == 0 ? probe : plain) * 1e9); // the first step sets up
            double left = eta.after(iteration, total);
            if (iteration < 50 || Double.isNaN(left)) continue;
            // the run's whole length as the estimate would have it: steady if the estimate is
            double whole = clock[0] / 1e9 + left;
            lowest = Math.min(lowest, whole);
            highest = Math.max(highest, whole);
        }
        double truth = 2.0 + (total - 1) * 0.9 * plain + 0.1 * probe * total;
        assertTrue(highest / lowest < 1.15, "the run's forecast length moved between " + lowest + " and " + highest + " s");
        assertEquals(truth, highest, 0.1 * truth, "and it is about the run's length");
    }

    @Test
    void itSaysNothingUntilItsTenthStepAndLeavesTheFirstOut() {
        long[] clock = {0};
        Trainer.Eta eta = new Trainer.Eta(0, () -> clock[0]);
        for (int iteration = 1; iteration < Trainer.Eta.ETA_AFTER; iteration++) {
            clock[0] += iteration == 1 ? 1_000_000_000L : 10_000_000L; // the first step's set-up takes a second
            assertTrue(Double.isNaN(eta.after(iteration, 100)), "estimating at step " + iteration);
        }
        clock[0] += 10_000_000L;
        assertEquals(0.01 * (100 - Trainer.Eta.ETA_AFTER), eta.after(Trainer.Eta.ETA_AFTER, 100), 1e-9);
    }
}
