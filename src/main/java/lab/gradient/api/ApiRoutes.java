package lab.gradient.api;

import io.javalin.config.JavalinConfig;
import java.util.Map;
import lab.gradient.Version;
import lab.gradient.store.Database;

/** The REST API under {@code /api}: thin routes over the application services. */
public final class ApiRoutes {
    private ApiRoutes() {}

    public static void register(JavalinConfig config, Database database) {
        config.routes.get("/api/health", ctx -> {
            boolean dbOk = database.isHealthy();
            ctx.status(dbOk ? 200 : 503).json(Map.of(
                    "status", dbOk ? "ok" : "degraded",
                    "version", Version.VALUE,
                    "db", dbOk ? "ok" : "unavailable"));
        });
    }
}
