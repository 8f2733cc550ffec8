package lab.gradient;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import lab.gradient.runs.RateLimits;

/**
 * Everything the server needs to start, resolved from flags and environment (flags win).
 *
 * @param rateLimits how often one client address may create, join and predict (see RateLimits)
 * @param publicOrigin the origin browsers use for this server ({@code https://lab.school.example}), or null: then only
 *     this machine's own addresses count as same-site for the API's writes
 */
public record AppConfig(int port, String dbUrl, int workers, int runBudgetSeconds, URI publicOrigin, RateLimits rateLimits) {

    public AppConfig(int port, String dbUrl, int workers) {
        this(port, dbUrl, workers, lab.gradient.runs.RunService.DEFAULT_RUN_BUDGET_SECONDS, null, RateLimits.defaults());
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
        if (workers < 1 || workers > 64) throw new IllegalArgumentException("--workers must be between 1 and 64, was " + workers);
        if (runBudgetSeconds < 1 || runBudgetSeconds > 86_400) {
            throw new IllegalArgumentException("--run-budget must be between 1 and 86400 seconds, was " + runBudgetSeconds);
        }
    }
}
