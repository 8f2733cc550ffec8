package lab.gradient.runs;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How often one client may do each costly or guessable thing, per minute: token buckets (Bucket4j) keyed by client
 * address, or by join code for joins to one lab. Both front doors ask here before acting; a refusal says when to try
 * again. Limits fit a class of 30 behind one school router (30 joins and 30 lesson starts in the same minute).
 */
public final class RateLimits {
    /** What is limited, its name in {@code --rate-limit NAME=N}, and its default per minute. */
    public enum Action {
        EXPERIMENT("experiments", 60), LAB("labs", 10), JOIN("joins", 120), JOIN_MISS("join-misses", 20),
        JOIN_PER_CODE("joins-per-code", 90), PREDICT("predictions", 240);

        public final String flag;
        final int perMinuteDefault;

        Action(String flag, int perMinuteDefault) {
            this.flag = flag;
            this.perMinuteDefault = perMinuteDefault;
        }
    }

    /** A request past its limit; {@code retryAfterSeconds} is when one more would be allowed. */
    public static final class Limited extends SubmissionRefused {
        public final long retryAfterSeconds;

        Limited(Action action, long retryAfterSeconds) {
            super("too many " + action.flag + " from your address: try again in " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /** Buckets kept per action: enough for every address of a large school, the least recently used forgotten first. */
    private static final int MAX_KEYS = 50_000;

    private final Map<Action, Integer> perMinute;
    private final Map<Action, Map<String, Bucket>> buckets = new EnumMap<>(Action.class);

    public RateLimits(Map<Action, Integer> perMinute) {
        this.perMinute = new EnumMap<>(Action.class);
        for (Action a : Action.values()) this.perMinute.put(a, perMinute.getOrDefault(a, a.perMinuteDefault));
        for (Action a : Action.values()) {
            buckets.put(a, new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                    return size() > MAX_KEYS;
                }
            });
        }
    }

    public static RateLimits defaults() {
        return new RateLimits(Map.of());
    }

    /** Reads {@code NAME=N} pairs (names as in {@link Action#flag}); N is per minute. */
    public static RateLimits parse(Map<String, Integer> flags) {
        Map<Action, Integer> limits = new EnumMap<>(Action.class);
        flags.forEach((name, n) -> {
            Action action = Arrays.stream(Action.values()).filter(a -> a.flag.equals(name.strip().toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--rate-limit: unknown limit '" + name + "'; expected one of "
                            + Arrays.stream(Action.values()).map(a -> a.flag).collect(Collectors.joining(", "))));
            if (n == null || n < 1 || n > 1_000_000) throw new IllegalArgumentException("--rate-limit " + name + " must be 1 to 1000000 per minute");
            limits.put(action, n);
        });
        return new RateLimits(limits);
    }

    /** Takes one of {@code key}'s allowance for {@code action}, or refuses with when to try again. */
    public void acquire(Action action, String key) {
        acquire(action, key, 1);
    }

    /**
     * Takes {@code count} of it at once, or none and refuses: what one click costs that the API would answer as
     * {@code count} requests (an x-ray of two arms is two inspections there), so both doors count the same work.
     */
    public void acquire(Action action, String key, int count) {
        ConsumptionProbe probe = bucket(action, key).tryConsumeAndReturnRemaining(count);
        if (!probe.isConsumed()) throw new Limited(action, seconds(probe.getNanosToWaitForRefill()));
    }

    /** Refuses while {@code key} has nothing left for {@code action}, taking nothing: for allowances spent only on failure. */
    public void requireLeft(Action action, String key) {
        EstimationProbe probe = bucket(action, key).estimateAbilityToConsume(1);
        if (!probe.canBeConsumed()) throw new Limited(action, seconds(probe.getNanosToWaitForRefill()));
    }

    /**
     * The join limits, for both front doors: every join counts per address; looking the code up is refused while the
     * address has no misses left, and an unknown code spends one (right codes cost nothing, so a class mistyping one now
     * and then is never held up); then the join counts against the lab's code.
     */
    public <T> T join(String address, Supplier<T> lookUpLab, Function<T, String> joinCodeOf) {
        acquire(Action.JOIN, address);
        requireLeft(Action.JOIN_MISS, address);
        T lab;
        try {
            lab = lookUpLab.get();
        } catch (RuntimeException miss) {
            acquire(Action.JOIN_MISS, address);
            throw miss;
        }
        acquire(Action.JOIN_PER_CODE, joinCodeOf.apply(lab));
        return lab;
    }

    private Bucket bucket(Action action, String key) {
        Map<String, Bucket> byKey = buckets.get(action);
        synchronized (byKey) {
            return byKey.computeIfAbsent(key == null ? "unknown" : key, k -> newBucket(perMinute.get(action)));
        }
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999) / 1_000_000_000);
    }

    private static Bucket newBucket(int perMinute) {
        return Bucket.builder().addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1))).build();
    }
}
