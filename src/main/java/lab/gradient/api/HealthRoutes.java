package lab.gradient.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.gradient.Version;
import lab.gradient.health.HealthService;

/** {@code GET /api/health}: whether the database answers, what memory the process holds, and the engine's kernels. */
final class HealthRoutes {
    private final HealthService health;

    HealthRoutes(HealthService health) {
        this.health = health;
    }

    void get(Context ctx) {
        HealthService.Report report = health.check();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", report.databaseOk() ? "ok" : "degraded");
        out.put("version", Version.VALUE);
        out.put("db", report.databaseOk() ? "ok" : "unavailable");
        out.put("memory", report.memory()); // a record: its fields in order, as JSON
        out.put("engine", report.engine());
        ctx.status(report.databaseOk() ? 200 : 503).json(out);
    }
}
