package lab.gradient.training;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One of DL4J's flat vectors (the parameters, or the gradient its updater turns into the update), read and written in
 * place through its native memory: the norms the charts show and the clipping are plain loops over it, with no ND4J
 * op (and none of its per-op allocation) inside a training step. Each parameter (DL4J's key, "rnn1_RW") is a
 * contiguous range of the vector; {@link #ranges} gives them, grouped by layer in {@link #layers}.
 */
final class FlatVector {
    /** A parameter's entries: [from, to) of the flat vector. */
    record Range(int from, int to) {}

    private final FloatBuffer floats;
    private final DoubleBuffer doubles;

    private FlatVector(INDArray flat) {
        if (flat.dataType() == DataType.FLOAT) {
            FloatBuffer all = flat.data().asNioFloat();
            all.position((int) flat.offset());
            floats = all.slice();
            doubles = null;
        } else {
            DoubleBuffer all = flat.data().asNioDouble();
            all.position((int) flat.offset());
            doubles = all.slice();
            floats = null;
        }
    }

    static FlatVector of(INDArray flat) {
        return new FlatVector(flat);
    }

    /** Where each parameter of {@code table} (views of {@code flat}) sits in it, by key, in the table's order. */
    static Map<String, Range> ranges(Map<String, INDArray> table, INDArray flat) {
        Map<String, Range> out = new LinkedHashMap<>();
        long entries = 0;
        for (Map.Entry<String, INDArray> e : table.entrySet()) {
            INDArray view = e.getValue();
            if (!contiguous(view)) throw new IllegalStateException(e.getKey() + " is not a contiguous part of the flat vector");
            int from = (int) (view.offset() - flat.offset());
            out.put(e.getKey(), new Range(from, from + (int) view.length()));
            entries += view.length();
        }
        if (entries != flat.length()) throw new IllegalStateException("the parameters cover " + entries + " of " + flat.length() + " entries");
        return out;
    }

    /**
     * Whether the view's entries fill [offset, offset + length) of its buffer: its farthest entry is length − 1 away.
     * (A [V × 1] embedding's strides are not the default ones for its order, yet it is one run of V numbers.)
     */
    static boolean contiguous(INDArray view) {
        long farthest = 0;
        for (int d = 0; d < view.rank(); d++) {
            if (view.size(d) > 1 && view.stride(d) < 1) return false;
            farthest += (view.size(d) - 1) * Math.max(0, view.stride(d));
        }
        return farthest + 1 == view.length();
    }

    /** DL4J keys are "layer_param": the ranges grouped by layer. */
    static Map<String, List<Range>> layers(Map<String, Range> ranges) {
        Map<String, List<Range>> layers = new LinkedHashMap<>();
        ranges.forEach((key, range) -> layers.computeIfAbsent(key.substring(0, key.indexOf('_')), k -> new ArrayList<>()).add(range));
        return layers;
    }

    double sumOfSquares(Range r) {
        double s = 0;
        if (floats != null) {
            for (int i = r.from(); i < r.to(); i++) s += (double) floats.get(i) * floats.get(i);
        } else {
            for (int i = r.from(); i < r.to(); i++) s += doubles.get(i) * doubles.get(i);
        }
        return s;
    }

    double norm(List<Range> ranges) {
        double s = 0;
        for (Range r : ranges) s += sumOfSquares(r);
        return Math.sqrt(s);
    }

    void scale(List<Range> ranges, double factor) {
        for (Range r : ranges) {
            if (floats != null) {
                float f = (float) factor;
                for (int i = r.from(); i < r.to(); i++) floats.put(i, floats.get(i) * f);
            } else {
                for (int i = r.from(); i < r.to(); i++) doubles.put(i, doubles.get(i) * factor);
            }
        }
    }

    void clamp(Range r, double limit) {
        if (floats != null) {
            float hi = (float) limit, lo = -hi;
            for (int i = r.from(); i < r.to(); i++) floats.put(i, Math.min(Math.max(floats.get(i), lo), hi));
        } else {
            for (int i = r.from(); i < r.to(); i++) doubles.put(i, Math.min(Math.max(doubles.get(i), -limit), limit));
        }
    }
}
