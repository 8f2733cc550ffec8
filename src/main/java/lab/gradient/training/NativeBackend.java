package lab.gradient.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J's native (OpenBLAS/OpenMP) backend: loaded once, configured for one OpenMP thread per training worker. */
public final class NativeBackend {
    private NativeBackend() {}

    /**
     * Loads the native libraries and fixes the thread count. Each training worker is its own Java thread; on a
     * small server, letting every worker also fan out over all cores made training about twice as slow.
     */
    public static synchronized void warmUp() {
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.create(1).addi(1);
    }
}
