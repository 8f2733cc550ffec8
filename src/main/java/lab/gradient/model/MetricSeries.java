package lab.gradient.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's per-iteration series, column by column: {@code iteration} and one float array per named series
 * ("loss", "gradNorm.rnn1.W_h", …). Stored as chunks of float32 columns, one chunk per flush, so that loading
 * 10 runs × 10,000 iterations reads a few hundred blobs rather than millions of rows.
 */
public record MetricSeries(int[] iteration, Map<String, float[]> columns) {

    public static MetricSeries empty() {
        return new MetricSeries(new int[0], Map.of());
    }

    public int size() {
        return iteration.length;
    }

    /** One chunk: {@code rows[r][c]} is column c of row r; iterations are consecutive from {@code firstIteration}. */
    public static byte[] encode(List<String> columnNames, List<float[]> rows) {
        ByteBuffer buffer = ByteBuffer.allocate(rows.size() * columnNames.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < columnNames.size(); c++) {
            for (float[] row : rows) buffer.putFloat(row[c]);
        }
        return buffer.array();
    }

    /** Chunks in iteration order, all with the same columns. */
    public static MetricSeries decode(List<Chunk> chunks) {
        if (chunks.isEmpty()) return empty();
        List<String> names = chunks.get(0).columns();
        int total = chunks.stream().mapToInt(Chunk::rows).sum();
        int[] iteration = new int[total];
        List<float[]> columns = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) columns.add(new float[total]);
        int offset = 0;
        for (Chunk chunk : chunks) {
            ByteBuffer buffer = ByteBuffer.wrap(chunk.data()).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < chunk.rows(); r++) iteration[offset + r] = chunk.firstIteration() + r;
            for (int c = 0; c < names.size(); c++) {
                buffer.asFloatBuffer().get(c * chunk.rows(), columns.get(c), offset, chunk.rows());
            }
            offset += chunk.rows();
        }
        Map<String, float[]> byName = new LinkedHashMap<>();
        for (int c = 0; c < names.size(); c++) byName.put(names.get(c), columns.get(c));
        return new MetricSeries(iteration, byName);
    }

    public record Chunk(int firstIteration, int rows, List<String> columns, byte[] data) {}

    public static byte[] encodeFloats(double[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) buffer.putFloat((float) v);
        return buffer.array();
    }

    public static double[] decodeFloats(byte[] data) {
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[data.length / Float.BYTES];
        for (int i = 0; i < out.length; i++) out[i] = buffer.getFloat();
        return out;
    }

    @Override
    public String toString() {
        return "MetricSeries[" + size() + " iterations, columns=" + columns.keySet() + ", last=" + Arrays.toString(
                size() == 0 ? new int[0] : new int[] {iteration[size() - 1]}) + "]";
    }
}
