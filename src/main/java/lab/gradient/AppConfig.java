package lab.gradient;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunService;
import lab.gradient.training.Cost;

/**
 * Everything the server needs to start, resolved from flags and environment (flags win).
 *
 * @param costLimits the longest step and the most memory one run may ask for (see Cost)
 * @param checkpointSeconds how often a training run saves where it stands, to resume after a crash or restart
 * @param rateLimits how often one client address may create, join and predict (see RateLimits)
 * @param publicOrigin the origin browsers use for this server ({@code https://lab.school.example}), or null: then only
 *     this machine's own addresses count as same-site for the API's writes
 */
public record AppConfig(int port, String dbUrl, int workers, int runBudgetSeconds, URI publicOrigin, RateLimits rateLimits,
        double checkpointSeconds, Cost.Limits costLimits) {

    public AppConfig(int port, String dbUrl, int workers) {
        this(port, dbUrl, workers, RunService.DEFAULT_RUN_BUDGET_SECONDS, null, RateLimits.defaults(), RunService.DEFAULT_CHECKPOINT_SECONDS,
                Cost.Limits.DEFAULT);
    }

    /** Reads {@code --public-origin}: scheme, host and optional port, nothing more. */
    public static URI origin(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            URI uri = new URI(text.strip());
            boolean bare = (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) && uri.getQuery() == null
                    && uri.getFragment() == null && uri.getUserInfo() == null;
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null || !bare) {
                throw new IllegalArgumentException("--public-origin must be like https://lab.school.example or http://10.0.0.5:8080, was " + text);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--public-origin must be like https://lab.school.example, was " + text);
        }
    }

    public static final String DEFAULT_DB_URL =
            "jdbc:h2:file:" + Path.of("db", "data", "gradient-lab").toAbsolutePath() + ";AUTO_SERVER=FALSE";

    public AppConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
        if (dbUrl == null || !dbUrl.startsWith("jdbc:")) throw new IllegalArgumentException("--db must be a JDBC URL (jdbc:...), was " + dbUrl);
        if (workers < 0 || workers > 64) throw new IllegalArgumentException("--workers must be between 0 and 64, was " + workers);
        if (workers == 0 && dbUrl.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("--workers 0 (serve only) needs a shared jdbc:postgresql: database that worker processes train from");
        }
        if (!(checkpointSeconds >= 1 && checkpointSeconds <= 3_600)) {
            throw new IllegalArgumentException("--checkpoint-every must be between 1 and 3600 seconds, was " + checkpointSeconds);
        }
        if (runBudgetSeconds < 1 || runBudgetSeconds > 86_400) {
            throw new IllegalArgumentException("--run-budget must be between 1 and 86400 seconds, was " + runBudgetSeconds);
        }
    }
}
