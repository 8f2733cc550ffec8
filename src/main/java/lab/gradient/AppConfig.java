package lab.gradient;

import java.nio.file.Path;

/** Everything the server needs to start, resolved from flags and environment (flags win). */
public record AppConfig(int port, String dbUrl, int workers, int runBudgetSeconds) {

    public AppConfig(int port, String dbUrl, int workers) {
        this(port, dbUrl, workers, lab.gradient.runs.RunService.DEFAULT_RUN_BUDGET_SECONDS);
    }

    public static final String DEFAULT_DB_URL =
            "jdbc:h2:file:" + Path.of("db", "data", "gradient-lab").toAbsolutePath() + ";AUTO_SERVER=FALSE";

    public AppConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
        if (dbUrl == null || !dbUrl.startsWith("jdbc:")) throw new IllegalArgumentException("--db must be a JDBC URL (jdbc:...), was " + dbUrl);
        if (workers < 1 || workers > 64) throw new IllegalArgumentException("--workers must be between 1 and 64, was " + workers);
        if (runBudgetSeconds < 1 || runBudgetSeconds > 86_400) {
            throw new IllegalArgumentException("--run-budget must be between 1 and 86400 seconds, was " + runBudgetSeconds);
        }
    }
}
