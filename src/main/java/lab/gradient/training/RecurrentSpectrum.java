package lab.gradient.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Health of each recurrent matrix W_h: its spectral radius ρ (largest |eigenvalue|) and largest singular value σ.
 * Each factor ∂o_t/∂o_{t-1} is W_h scaled by the activation's slope (≤ 1 for tanh), so with σ < 1 the product
 * must vanish, and ρ > 1 is needed for it to explode (Pascanu, Mikolov & Bengio 2013). The LSTM has four gated
 * blocks; each is reported on its own.
 */
public final class RecurrentSpectrum {
    public record Values(double spectralRadius, double largestSingularValue) {}

    private static final String[] LSTM_BLOCKS = {"candidate", "forget", "output", "input"};

    private RecurrentSpectrum() {}

    public static Map<String, Values> of(Network network) {
        Map<String, Values> out = new LinkedHashMap<>();
        for (String key : network.recurrentKeys) {
            INDArray w = network.model.getParam(key);
            String name = network.parameterNames.get(key);
            long h = w.size(0);
            if (network.kind.isLstm()) {
                for (int b = 0; b < LSTM_BLOCKS.length; b++) {
                    out.put(name + "." + LSTM_BLOCKS[b], values(w.get(NDArrayIndex.all(), NDArrayIndex.interval(b * h, (b + 1) * h))));
                }
            } else {
                out.put(name, values(w));
            }
        }
        return out;
    }

    static Values values(INDArray square) {
        RealMatrix m = new Array2DRowRealMatrix(square.toDoubleMatrix(), false);
        double radius = 0;
        EigenDecomposition eigen = new EigenDecomposition(m);
        double[] re = eigen.getRealEigenvalues();
        double[] im = eigen.getImagEigenvalues();
        for (int i = 0; i < re.length; i++) radius = Math.max(radius, Math.hypot(re[i], im[i]));
        return new Values(radius, new SingularValueDecomposition(m).getNorm());
    }
}
