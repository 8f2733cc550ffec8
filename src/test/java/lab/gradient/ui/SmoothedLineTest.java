package lab.gradient.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Compare's lines are smoothed on every recorded point, then thinned: thinning first would draw another curve. */
class SmoothedLineTest {
    @Test
    void smoothingUsesEveryPointBeforeThinning() {
        // a loss that alternates 0 and 2 around a mean of 1: its smoothed curve settles near 1
        int n = 10_000;
        float[] x = new float[n], loss = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            loss[i] = i % 2 == 0 ? 0 : 2;
        }
        SmoothedLine line = SmoothedLine.of(x, loss, 0.9, 500);
        assertTrue(line.x().length <= 501, "thinned to about the chart's points: " + line.x().length);
        for (int j = 0; j < line.y().length; j++) {
            if (line.x()[j] < 100) continue;
            // min/max thinning of the raw series keeps the 0s and 2s, and smoothing those would stay far from 1
            assertEquals(1.0, line.y()[j], 0.11, "at iteration " + line.x()[j]);
        }
    }

    @Test
    void noSmoothingKeepsTheRawValuesAndAFewPointsStayWhole() {
        float[] x = {1, 2, 3}, values = {3, Float.NaN, 1};
        SmoothedLine line = SmoothedLine.of(x, values, 0, 100);
        assertArrayEquals(new double[] {1, 2, 3}, line.x());
        assertEquals(3, line.y()[0]);
        assertTrue(Double.isNaN(line.y()[1]), "a diverged step shows as a gap");
        assertEquals(1, line.y()[2], "the average restarts after it");
    }
}
