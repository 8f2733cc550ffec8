package lab.gradient.health;

import java.util.Map;
import lab.gradient.store.Database;
import lab.gradient.training.NativeBackend;

/** Whether this server can serve: the database answers; and what the process holds, and which kernels train. */
public final class HealthService {
    /**
     * In MiB: the resident set (Linux; null elsewhere), the Java heap in use, committed and its cap, and ND4J's
     * workspaces (off-heap, inside the resident set; null until the first run has loaded ND4J).
     */
    public record Memory(Long residentMiB, long heapUsedMiB, long heapCommittedMiB, long heapMaxMiB, Long nd4jWorkspacesMiB) {}

    /** {@code engine}: the kernels training runs on, and a note when they are the slower plain-Java ones. */
    public record Report(boolean databaseOk, Memory memory, Map<String, Object> engine) {}

    private final Database database;

    public HealthService(Database database) {
        this.database = database;
    }

    public Report check() {
        return new Report(database.isHealthy(), memory(), NativeBackend.engine());
    }

    private static Memory memory() {
        Runtime runtime = Runtime.getRuntime();
        long resident = residentKib();
        long workspaces = NativeBackend.workspaceBytes();
        return new Memory(resident < 0 ? null : resident >> 10, (runtime.totalMemory() - runtime.freeMemory()) >> 20,
                runtime.totalMemory() >> 20, runtime.maxMemory() >> 20, workspaces < 0 ? null : workspaces >> 20);
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
