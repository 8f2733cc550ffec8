package lab.gradient.training.engine;

/** The kernels in plain Java, for a JVM without the Vector API module: correct, several times slower. */
final class PlainKernels extends Kernels {
    @Override
    public String name() {
        return "plain";
    }

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public void multiplyAdd(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            for (int p = 0; p < k; p++) {
                float aip = a[aOff + i * aRow + p * aCol];
                int bp = bOff + p * n;
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
            }
        }
    }
}
