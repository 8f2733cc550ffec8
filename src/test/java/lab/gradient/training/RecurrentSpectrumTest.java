package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** ρ and σ of recurrent matrices: against matrices whose answer is known, and against an independent Java decomposition. */
class RecurrentSpectrumTest {

    @Test
    void knownMatrices() {
        NativeBackend.warmUp();
        // a scaled rotation: every eigenvalue has modulus 0.9, and so does every singular value
        double c = Math.cos(0.3), s = Math.sin(0.3);
        var rotation = Nd4j.create(new double[][] {{0.9 * c, -0.9 * s}, {0.9 * s, 0.9 * c}});
        assertEquals(0.9, RecurrentSpectrum.values(rotation).spectralRadius(), 1e-12);
        assertEquals(0.9, RecurrentSpectrum.values(rotation).largestSingularValue(), 1e-12);
        // non-normal: the eigenvalues are the diagonal (ρ = 0.5) while σ is far larger — the notes' case where the
        // product of factors can grow for a while although it must vanish in the end
        var triangular = Nd4j.create(new double[][] {{0.5, 10}, {0, 0.3}});
        assertEquals(0.5, RecurrentSpectrum.values(triangular).spectralRadius(), 1e-12);
        double expectedSigma = new SingularValueDecomposition(new Array2DRowRealMatrix(new double[][] {{0.5, 10}, {0, 0.3}})).getNorm();
        assertEquals(expectedSigma, RecurrentSpectrum.values(triangular).largestSingularValue(), 1e-12);
    }

    @Test
    void agreesWithAnIndependentDecompositionOnRandomMatrices() {
        NativeBackend.warmUp();
        Random random = new Random(3);
        for (int n : new int[] {3, 17, 64, 128}) {
            double[][] w = new double[n][n];
            for (double[] row : w) for (int j = 0; j < n; j++) row[j] = random.nextGaussian() / Math.sqrt(n);
            RealMatrix m = new Array2DRowRealMatrix(w);
            EigenDecomposition eigen = new EigenDecomposition(m);
            double radius = 0;
            for (int i = 0; i < n; i++) radius = Math.max(radius, Math.hypot(eigen.getRealEigenvalues()[i], eigen.getImagEigenvalues()[i]));
            // the trainer's weights are float32: the answer may differ from the double reference by float rounding only
            RecurrentSpectrum.Values v = RecurrentSpectrum.values(Nd4j.create(w).castTo(DataType.FLOAT));
            assertEquals(radius, v.spectralRadius(), 1e-5 * radius, "ρ, n = " + n);
            assertEquals(new SingularValueDecomposition(m).getNorm(), v.largestSingularValue(), 1e-5, "σ, n = " + n);
        }
    }
}
