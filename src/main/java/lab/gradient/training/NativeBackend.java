package lab.gradient.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.AllocationsTracker;
import org.nd4j.linalg.api.memory.enums.AllocationKind;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ND4J's native (OpenBLAS/OpenMP) backend: loaded once, configured for one thread per training worker. */
public final class NativeBackend {
    private static final Logger log = LoggerFactory.getLogger(NativeBackend.class);
    private static volatile boolean loaded;

    private NativeBackend() {}

    /**
     * Loads the native libraries and gives each matrix product one thread. Each training worker is its own Java
     * thread, one per core; at this model's sizes a product split over both cores costs more in hand-over than it
     * saves, and with two workers busy the split threads only queue behind each other (docs/benchmarks.md).
     */
    public static synchronized void warmUp() {
        if (!loaded && System.getenv("OMP_NUM_THREADS") == null) {
            // libnd4j sizes its own pool from this variable when it loads; Java cannot set it afterwards
            log.warn("OMP_NUM_THREADS is not set: each training op may use every core and two workers slow each other "
                    + "down (the vanishing lesson's LSTM used 22% more CPU). Start with OMP_NUM_THREADS=1, as scripts/run does.");
        }
        useThreads(1);
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.create(1).addi(1);
        loaded = true;
    }

    /**
     * Bytes in ND4J's workspaces, by ND4J's own count (−1 before the backend is loaded): the reused off-heap memory
     * of every training step's activations and gradients, most of what training holds outside the Java heap.
     * Parameters and optimiser state are ordinary off-heap arrays that ND4J's CPU backend does not count (16 bytes
     * per parameter with Adam: under 1 MiB at hidden 128).
     */
    public static long workspaceBytes() {
        return loaded ? AllocationsTracker.getInstance().bytesOnDevice(AllocationKind.WORKSPACE, 0) : -1;
    }

    /**
     * Threads per operation. OpenBLAS starts with one per core and is set through ND4J's BLAS wrapper:
     * {@code Nd4j.getEnvironment().setMaxThreads} does not reach it (libnd4j 1.0.0-M2.1 ignores that call; its own
     * pool follows {@code OMP_NUM_THREADS} at start-up), so only the master-thread limit is set there.
     */
    static synchronized void useThreads(int threads) {
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }

    /**
     * Which kernels our engine runs: "vector" (the JDK's Vector API, {@code lanes} floats per register) or "plain" (a JVM
     * started without {@code --add-modules jdk.incubator.vector}: the same numbers to rounding, several times slower).
     */
    public static java.util.Map<String, Object> engine() {
        var kernels = lab.gradient.training.engine.Kernels.FAST;
        var out = new java.util.LinkedHashMap<String, Object>();
        out.put("kernels", kernels.name());
        out.put("lanes", kernels.lanes());
        if (kernels.lanes() == 1) {
            out.put("note", "started without --add-modules jdk.incubator.vector (scripts/jvm.options gives it): training runs "
                    + "on the plain-Java kernels, several times slower");
        }
        return out;
    }
}
