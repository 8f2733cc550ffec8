package lab.gradient.training.engine;

/**
 * The few loops the engine spends its time in: a matrix product and the element-wise non-linearities. Two
 * implementations answer to it: one with the JDK's Vector API (register tiles, fused multiply-add, vector tanh, σ and
 * exp of our own), chosen when the JVM was started with {@code --add-modules jdk.incubator.vector}, and a plain-Java
 * one (this class's scalar tanh, σ and exp), several times slower, that every JVM can run. Both give the same numbers
 * to float rounding, and each gives the same bits on every run (KernelsTest).
 */
public abstract class Kernels {
    /** The implementation this JVM runs: "vector" (the Vector API, {@link #lanes()} floats per register) or "plain". */
    public static final Kernels FAST = choose();

    static Kernels choose() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (Kernels) Class.forName("lab.gradient.training.engine.VectorKernels").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new PlainKernels();
            }
        }
        return new PlainKernels();
    }

    public abstract String name();

    /** Floats per vector register (1 for the plain loops). */
    public abstract int lanes();

    /**
     * C[m×n] += A·B, where B is [k×n] row-major from {@code b[bOff]} and A is [m×k] read as a[aOff + i·aRow + p·aCol]:
     * (aRow, aCol) = (k, 1) is A itself, (1, m) is the transpose of a [k×m] matrix (the weight gradients' Xᵀ·δ).
     * Rows of C are {@code n} apart from {@code c[cOff]}.
     */
    public abstract void multiplyAdd(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, float[] c, int cOff,
            int m, int k, int n);

    /** C = A·B, with A [m×k] and B [k×n] row-major. */
    public final void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
        multiplyAdd(a, aOff, k, 1, b, bOff, c, cOff, m, k, n);
    }

    /** C += Aᵀ·B, with A [k×m] and B [k×n] row-major: Σ over the k rows of aᵣᵀ·bᵣ, the weight gradients. */
    public final void addTransposedProduct(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        multiplyAdd(a, aOff, 1, m, b, bOff, c, cOff, m, k, n);
    }

    /** y = tanh(x), element by element over {@code length} floats. */
    public void tanh(float[] x, int xOff, float[] y, int yOff, int length) {
        for (int i = 0; i < length; i++) y[yOff + i] = (float) Math.tanh(x[xOff + i]);
    }

    /** y = σ(x) = 1 / (1 + e^(−x)). */
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int length) {
        for (int i = 0; i < length; i++) y[yOff + i] = (float) (1 / (1 + Math.exp(-x[xOff + i])));
    }

    /** y = e^x. */
    public void exp(float[] x, int xOff, float[] y, int yOff, int length) {
        for (int i = 0; i < length; i++) y[yOff + i] = (float) Math.exp(x[xOff + i]);
    }

    /** Bᵀ of a [rows×cols] row-major matrix, into {@code t} [cols×rows]. */
    public static void transpose(float[] b, int bOff, int rows, int cols, float[] t) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t[j * rows + i] = b[bOff + i * cols + j];
        }
    }
}
