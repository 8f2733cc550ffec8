package lab.gradient.training.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The engine's kernels: the Vector API's give the plain loops' numbers to float rounding, its tanh, σ and exp are
 * accurate to a few float ulps, and — what a shared training depends on — they give the same bits before the JIT has
 * compiled them as after (checked in a fresh JVM, where they start interpreted).
 */
class KernelsTest {
    private final Kernels vector = new VectorKernels(), plain = new PlainKernels();

    static float[] values(int n, float range, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (random.nextFloat() * 2 - 1) * range * (i % 7 == 0 ? 0.01f : 1);
        return x;
    }

    @Test
    void theVectorProductGivesThePlainOnesNumbersForEveryShapeAndLayout() {
        for (int[] shape : new int[][] {{32, 64, 256}, {7, 11, 21}, {1, 3, 5}, {33, 17, 40}, {4, 9, 16}}) {
            int m = shape[0], k = shape[1], n = shape[2];
            float[] a = values(m * k, 1, 1), b = values(k * n, 1, 2);
            float[] ours = values(m * n, 1, 3), theirs = ours.clone();
            vector.multiplyAdd(a, 0, k, 1, b, 0, ours, 0, m, k, n);
            plain.multiplyAdd(a, 0, k, 1, b, 0, theirs, 0, m, k, n);
            for (int i = 0; i < ours.length; i++) assertEquals(theirs[i], ours[i], 1e-5f * (1 + Math.abs(theirs[i])), Arrays.toString(shape));
            // Aᵀ·B, A read down its columns
            float[] t = values(k * m, 1, 4), tOurs = new float[m * n], tTheirs = new float[m * n];
            vector.addTransposedProduct(t, 0, b, 0, tOurs, 0, m, k, n);
            plain.addTransposedProduct(t, 0, b, 0, tTheirs, 0, m, k, n);
            for (int i = 0; i < tOurs.length; i++) assertEquals(tTheirs[i], tOurs[i], 1e-5f * (1 + Math.abs(tTheirs[i])));
        }
    }

    @Test
    void tanhSigmoidAndExpAreAccurate() {
        float[] x = values(10_007, 20, 5), y = new float[x.length];
        vector.tanh(x, 0, y, 0, x.length);
        for (int i = 0; i < x.length; i++) assertEquals(Math.tanh(x[i]), y[i], 3e-7 * Math.abs(Math.tanh(x[i])) + 1e-9, "tanh " + x[i]);
        vector.sigmoid(x, 0, y, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            double s = 1 / (1 + Math.exp(-x[i]));
            assertEquals(s, y[i], 3e-7 * s, "σ " + x[i]);
        }
        float[] e = values(10_007, 80, 6);
        vector.exp(e, 0, y, 0, e.length);
        for (int i = 0; i < e.length; i++) assertEquals(Math.exp(e[i]), y[i], 3e-7 * Math.exp(e[i]), "exp " + e[i]);
        float[] tiny = {1e-30f, -1e-20f, 0f, -0f, 1e-3f, -0.2499f, 0.25f, 9f, -9f, 40f, -40f, 1e-30f, 3f, -3f, 0.1f, 0.5f};
        vector.tanh(tiny, 0, y, 0, tiny.length);
        for (int i = 0; i < tiny.length; i++) assertEquals(Math.tanh(tiny[i]), y[i], 3e-7 * Math.abs(Math.tanh(tiny[i])), "tanh " + tiny[i]);
    }

    /** Prints the bits of each kernel's results on fixed inputs, before and after 20,000 calls have had them compiled. */
    public static void main(String[] args) {
        Kernels kernels = new VectorKernels();
        float[] x = values(4096, 10, 7), a = values(32 * 64, 1, 8), b = values(64 * 256, 1, 9);
        String before = bits(kernels, x, a, b);
        for (int i = 0; i < 20_000; i++) bits(kernels, x, a, b);
        System.out.println(before.equals(bits(kernels, x, a, b)) ? "same" : "different: " + before.substring(0, 80) + " … / "
                + bits(kernels, x, a, b).substring(0, 80));
    }

    private static String bits(Kernels kernels, float[] x, float[] a, float[] b) {
        float[] t = new float[x.length], s = new float[x.length], e = new float[x.length], c = new float[32 * 256];
        kernels.tanh(x, 0, t, 0, x.length);
        kernels.sigmoid(x, 0, s, 0, x.length);
        kernels.exp(x, 0, e, 0, x.length);
        kernels.multiply(a, 0, b, 0, c, 0, 32, 64, 256);
        return Arrays.hashCode(t) + " " + Arrays.hashCode(s) + " " + Arrays.hashCode(e) + " " + Arrays.hashCode(c);
    }

    @Test
    void theSameBitsInterpretedAndCompiledInAFreshJvm() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), KernelsTest.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        assertTrue(output.lines().anyMatch("same"::equals), output);
    }
}
