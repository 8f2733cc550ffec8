package lab.gradient.training.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels with the JDK's Vector API. The product keeps a tile of C (4 rows × 2 registers) in registers while it
 * runs over k with fused multiply-adds: each B register loaded once serves 4 rows, which is what lifts it from the
 * plain loop's ~7 GFLOP/s to ~50 on one AVX2 core here (docs/benchmarks.md). Every operation it uses (load, store,
 * broadcast, fma) gives the same bits interpreted and compiled, so a run's numbers do not depend on the JIT.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void multiplyAdd(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
            int c0 = cOff + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                FloatVector c00 = FloatVector.fromArray(S, c, c0 + j), c01 = FloatVector.fromArray(S, c, c0 + j + L);
                FloatVector c10 = FloatVector.fromArray(S, c, c1 + j), c11 = FloatVector.fromArray(S, c, c1 + j + L);
                FloatVector c20 = FloatVector.fromArray(S, c, c2 + j), c21 = FloatVector.fromArray(S, c, c2 + j + L);
                FloatVector c30 = FloatVector.fromArray(S, c, c3 + j), c31 = FloatVector.fromArray(S, c, c3 + j + L);
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * n + j, ap = p * aCol;
                    FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
                    FloatVector v = FloatVector.broadcast(S, a[a0 + ap]);
                    c00 = v.fma(b0, c00);
                    c01 = v.fma(b1, c01);
                    v = FloatVector.broadcast(S, a[a1 + ap]);
                    c10 = v.fma(b0, c10);
                    c11 = v.fma(b1, c11);
                    v = FloatVector.broadcast(S, a[a2 + ap]);
                    c20 = v.fma(b0, c20);
                    c21 = v.fma(b1, c21);
                    v = FloatVector.broadcast(S, a[a3 + ap]);
                    c30 = v.fma(b0, c30);
                    c31 = v.fma(b1, c31);
                }
                c00.intoArray(c, c0 + j);
                c01.intoArray(c, c0 + j + L);
                c10.intoArray(c, c1 + j);
                c11.intoArray(c, c1 + j + L);
                c20.intoArray(c, c2 + j);
                c21.intoArray(c, c2 + j + L);
                c30.intoArray(c, c3 + j);
                c31.intoArray(c, c3 + j + L);
            }
            for (; j + L <= n; j += L) {
                FloatVector s0 = FloatVector.fromArray(S, c, c0 + j), s1 = FloatVector.fromArray(S, c, c1 + j);
                FloatVector s2 = FloatVector.fromArray(S, c, c2 + j), s3 = FloatVector.fromArray(S, c, c3 + j);
                for (int p = 0; p < k; p++) {
                    FloatVector bv = FloatVector.fromArray(S, b, bOff + p * n + j);
                    int ap = p * aCol;
                    s0 = FloatVector.broadcast(S, a[a0 + ap]).fma(bv, s0);
                    s1 = FloatVector.broadcast(S, a[a1 + ap]).fma(bv, s1);
                    s2 = FloatVector.broadcast(S, a[a2 + ap]).fma(bv, s2);
                    s3 = FloatVector.broadcast(S, a[a3 + ap]).fma(bv, s3);
                }
                s0.intoArray(c, c0 + j);
                s1.intoArray(c, c1 + j);
                s2.intoArray(c, c2 + j);
                s3.intoArray(c, c3 + j);
            }
            if (j < n) scalar(a, aOff, aRow, aCol, b, bOff, c, cOff, i, i + 4, j, m, k, n);
        }
        for (; i < m; i++) {
            int ai = aOff + i * aRow, ci = cOff + i * n;
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector s = FloatVector.fromArray(S, c, ci + j);
                for (int p = 0; p < k; p++) s = FloatVector.broadcast(S, a[ai + p * aCol]).fma(FloatVector.fromArray(S, b, bOff + p * n + j), s);
                s.intoArray(c, ci + j);
            }
            if (j < n) scalar(a, aOff, aRow, aCol, b, bOff, c, cOff, i, i + 1, j, m, k, n);
        }
    }

    /** Rows [fromRow, toRow) and columns [fromColumn, n) of C, fewer than a register's width: the tile's ragged edge. */
    private static void scalar(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, float[] c, int cOff,
            int fromRow, int toRow, int fromColumn, int m, int k, int n) {
        for (int r = fromRow; r < toRow; r++) {
            int ar = aOff + r * aRow, cr = cOff + r * n;
            for (int p = 0; p < k; p++) {
                float arp = a[ar + p * aCol];
                int bp = bOff + p * n;
                for (int j = fromColumn; j < n; j++) c[cr + j] += arp * b[bp + j];
            }
        }
    }

    // tanh, σ and exp from loads, fma, add, multiply, divide, compare and bit shifts only: each gives the same bits
    // interpreted and JIT-compiled. The Vector API's own lane-wise TANH and EXP do not (a Java fallback first, an
    // intrinsic later), and a run's numbers then depended on when it ran (KernelsTest, TrainerResumeTest).
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f), TWO = FloatVector.broadcast(S, 2f);
    /** 1.5·2²³: adding it rounds a float below 2²² to the nearest integer, which then sits in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final float LOG2_E = 1.44269504f, LN2_HIGH = 0.693359375f, LN2_LOW = -2.12194440e-4f;
    private static final float SMALL_TANH = 0.25f;

    /**
     * e^x = 2ⁿ·eʳ with n = round(x / ln 2) and r = x − n·ln 2 in [−0.35, 0.35], eʳ by its Taylor polynomial to r⁷
     * (error below 1e−8). x is held to [−87, 88]: the result stays a normal float, never a denormal.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
        FloatVector shifted = x.fma(FloatVector.broadcast(S, LOG2_E), FloatVector.broadcast(S, ROUNDER));
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HIGH), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LOW), r);
        FloatVector p = FloatVector.broadcast(S, 1f / 5040);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 720));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, ONE);
        p = p.fma(r, ONE);
        // 2ⁿ: the integer n sits in the low bits of shifted; (n + 127) << 23 is its float's exponent field
        IntVector exponent = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER) - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(exponent.reinterpretAsFloats());
    }

    /**
     * tanh x = 1 − 2 / (e^{2|x|} + 1) with x's sign; below |x| = 0.25, where that subtraction would lose digits, its
     * Taylor series x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − 1382x¹¹/155925 (error below 1e−8 there).
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector far = ONE.sub(TWO.div(exp(a.mul(2f)).add(1f)));
        FloatVector x2 = x.mul(x);
        FloatVector q = FloatVector.broadcast(S, -1382f / 155925);
        q = q.fma(x2, FloatVector.broadcast(S, 62f / 2835));
        q = q.fma(x2, FloatVector.broadcast(S, -17f / 315));
        q = q.fma(x2, FloatVector.broadcast(S, 2f / 15));
        q = q.fma(x2, FloatVector.broadcast(S, -1f / 3));
        FloatVector near = q.mul(x2).fma(x, x);
        FloatVector signed = far.blend(far.neg(), x.compare(VectorOperators.LT, 0f));
        return signed.blend(near, a.compare(VectorOperators.LT, SMALL_TANH));
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int length) {
        int i = 0;
        for (; i + L <= length; i += L) tanh(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        if (i < length) super.tanh(x, xOff + i, y, yOff + i, length - i);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int length) {
        int i = 0;
        for (; i + L <= length; i += L) ONE.div(exp(FloatVector.fromArray(S, x, xOff + i).neg()).add(1f)).intoArray(y, yOff + i);
        if (i < length) super.sigmoid(x, xOff + i, y, yOff + i, length - i);
    }

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int length) {
        int i = 0;
        for (; i + L <= length; i += L) exp(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        if (i < length) super.exp(x, xOff + i, y, yOff + i, length - i);
    }
}
