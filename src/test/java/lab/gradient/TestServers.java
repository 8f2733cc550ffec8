package lab.gradient;

import java.util.UUID;

/** Starts the real application on a free port with its own in-memory H2 database. */
public final class TestServers {
    private TestServers() {}

    public static Server startInMemory() {
        String db = "jdbc:h2:mem:test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        return Server.start(new AppConfig(0, db, 1));
    }
}
