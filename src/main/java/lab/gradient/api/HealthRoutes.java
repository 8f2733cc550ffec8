package lab.gradient.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.gradient.Version;
import lab.gradient.store.Database;
import lab.gradient.training.NativeBackend;

/** {@code GET /api/health}: whether the database answers, what memory the process holds, and the engine's kernels. */
final class HealthRoutes {
    private final Database database;

    HealthRoutes(Database database) {
        this.database = database;
    }

    void get(Context ctx) {
        boolean dbOk = database.isHealthy();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", dbOk ? "ok" : "degraded");
        out.put("version", Version.VALUE);
        out.put("db", dbOk ? "ok" : "unavailable");
        out.put("memory", memory());
        out.put("engine", NativeBackend.engine());
        ctx.status(dbOk ? 200 : 503).json(out);
    }

    /**
     * What the process holds, in MiB: resident set (Linux), the Java heap in use, committed and its cap, and ND4J's
     * workspaces (off-heap, inside the resident set; null until the first run has loaded ND4J).
     */
    private static Map<String, Object> memory() {
        Runtime runtime = Runtime.getRuntime();
        long resident = residentKib();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("residentMiB", resident < 0 ? null : resident >> 10);
        out.put("heapUsedMiB", (runtime.totalMemory() - runtime.freeMemory()) >> 20);
        out.put("heapCommittedMiB", runtime.totalMemory() >> 20);
        out.put("heapMaxMiB", runtime.maxMemory() >> 20);
        long workspaces = NativeBackend.workspaceBytes();
        out.put("nd4jWorkspacesMiB", workspaces < 0 ? null : workspaces >> 20);
        return out;
    }

    private static long residentKib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or /proc not readable: the figure is simply absent
        }
        return -1;
    }
}
