package lab.gradient.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.openblas.global.openblas;
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

    /**
     * The largest ρ among a probe's matrices (one per recurrent layer): the one number the trainer's summary and the
     * diagnosis both read. A matrix whose ρ is unknown (NaN) is passed over; NaN if none is known.
     */
    public static double largestRadius(java.util.Collection<Values> matrices) {
        return matrices.stream().mapToDouble(Values::spectralRadius).filter(r -> !Double.isNaN(r)).max().orElse(Double.NaN);
    }

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

    /**
     * ρ from LAPACK's {@code dgeev} and σ from {@code dgesdd}, eigenvalues and singular values only (no vectors), in
     * double precision, from the OpenBLAS that ND4J already loads. Native LAPACK keeps a probe cheap: a 1,024-wide
     * LSTM's four blocks take about a second, where a pure-Java decomposition held the worker for minutes.
     */
    static Values values(INDArray square) {
        int n = (int) square.size(0);
        // row-major data read as column-major is Wᵀ, which has the same eigenvalues and singular values as W
        double[] a = square.dup('c').data().asDouble();
        double[] re = new double[n], im = new double[n];
        int info = openblas.LAPACKE_dgeev(openblas.LAPACK_COL_MAJOR, (byte) 'N', (byte) 'N', n, a, n, re, im, null, 1, null, 1);
        if (info != 0) throw new ArithmeticException("LAPACK dgeev did not converge (info " + info + ")");
        double radius = 0;
        for (int i = 0; i < n; i++) radius = Math.max(radius, Math.hypot(re[i], im[i]));
        double[] b = square.dup('c').data().asDouble();
        double[] singular = new double[n];
        info = openblas.LAPACKE_dgesdd(openblas.LAPACK_COL_MAJOR, (byte) 'N', n, n, b, n, singular, null, 1, null, 1);
        if (info != 0) throw new ArithmeticException("LAPACK dgesdd did not converge (info " + info + ")");
        return new Values(radius, singular[0]);
    }
}
