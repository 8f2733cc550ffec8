package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Both front doors count the same work (issue 34): a click that inspects two arms takes two of the allowance the API
 * takes one of per POST /api/runs/{id}/inspect, all or nothing.
 */
class RateLimitsTest {
    @Test
    void aClickCountsAsTheRequestsItDoes() {
        RateLimits limits = new RateLimits(Map.of(RateLimits.Action.PREDICT, 3));
        assertDoesNotThrow(() -> limits.acquire(RateLimits.Action.PREDICT, "10.0.0.1", 2));
        // two more do not fit in what is left (1): refused whole, taking nothing
        assertThrows(RateLimits.Limited.class, () -> limits.acquire(RateLimits.Action.PREDICT, "10.0.0.1", 2));
        assertDoesNotThrow(() -> limits.acquire(RateLimits.Action.PREDICT, "10.0.0.1"));
        assertThrows(RateLimits.Limited.class, () -> limits.acquire(RateLimits.Action.PREDICT, "10.0.0.1"));
        // another address has its own allowance
        assertDoesNotThrow(() -> limits.acquire(RateLimits.Action.PREDICT, "10.0.0.2", 3));
    }
}
