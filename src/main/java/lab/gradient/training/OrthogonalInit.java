package lab.gradient.training;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * W_h with orthonormal rows or columns (for the LSTM, each gate's block), times a gain: every singular value equals
 * the gain, so at the start the product of factors ∂o_t/∂o_{t−1} is shaped only by the activation (Saxe et al.
 * 2014). Drawn as a Gaussian matrix made orthonormal by modified Gram–Schmidt in double precision, with ND4J's seeded
 * generator: it always ends, in O(rows · cols · min(rows, cols)) steps. DL4J's own OrthogonalDistribution never
 * returned for hidden ≥ 32 here.
 */
public final class OrthogonalInit implements IWeightInit {
    private double gain;

    /** For DL4J's JSON of a saved model's configuration. */
    public OrthogonalInit() {
        this(1.0);
    }

    public OrthogonalInit(double gain) {
        this.gain = gain;
    }

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        int rows = (int) shape[0], cols = (int) shape[1];
        double[] flat = new double[rows * cols];
        if (cols > rows && cols % rows == 0) {
            // the LSTM's H × 4H: each gate's H × H block orthogonal, as each gate's own W_h is what the charts show
            for (int block = 0; block < cols / rows; block++) {
                double[][] q = orthonormalColumns(rows, rows);
                for (int i = 0; i < rows; i++) for (int j = 0; j < rows; j++) flat[i * cols + block * rows + j] = gain * q[i][j];
            }
        } else {
            double[][] q = orthonormalColumns(Math.max(rows, cols), Math.min(rows, cols));
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) flat[i * cols + j] = gain * (rows >= cols ? q[i][j] : q[j][i]);
            }
        }
        INDArray w = paramView.reshape(order, shape);
        w.assign(Nd4j.create(flat, shape, 'c').castTo(w.dataType()));
        return w;
    }

    /** An m × n matrix (m ≥ n) with orthonormal columns, from Gaussian draws. */
    static double[][] orthonormalColumns(int m, int n) {
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) a[i][j] = Nd4j.getRandom().nextGaussian();
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < m; i++) dot += a[i][k] * a[i][j];
                for (int i = 0; i < m; i++) a[i][j] -= dot * a[i][k];
            }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += a[i][j] * a[i][j];
            norm = Math.sqrt(norm);
            for (int i = 0; i < m; i++) a[i][j] /= norm;
        }
        return a;
    }
}
