package lab.gradient;

import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Collectors;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunService;
import lab.gradient.training.Cost;

/** Starts the real application on a free port with its own in-memory H2 database. */
public final class TestServers {
    private TestServers() {}

    /** Rate limits out of the way of functional tests, which make many calls a minute from one address. */
    public static final RateLimits UNLIMITED = RateLimits.parse(
            Arrays.stream(RateLimits.Action.values()).collect(Collectors.toMap(a -> a.flag, a -> 1_000_000)));

    public static Server startInMemory() {
        return startInMemory(1);
    }

    public static Server startInMemory(int workers) {
        return start(newInMemoryDatabase(), 0, workers);
    }

    /** An in-memory database that outlives the servers using it (until the JVM ends): a restart keeps its data. */
    public static String newInMemoryDatabase() {
        return "jdbc:h2:mem:test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /** {@code port} 0 picks a free one. */
    public static Server start(String db, int port, int workers) {
        return Server.start(new AppConfig(port, db, workers, RunService.DEFAULT_RUN_BUDGET_SECONDS, null, UNLIMITED,
                RunService.DEFAULT_CHECKPOINT_SECONDS, Cost.Limits.DEFAULT));
    }
}
