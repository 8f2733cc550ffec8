package lab.gradient.runs;

import java.util.List;
import java.util.TreeSet;

/**
 * Chooses which iterations to send when a series has more points than a chart can use: the series is cut into
 * buckets and each bucket keeps its first point and, for every guide series, its minimum and maximum, so a spike
 * in the gradient norm (an explosion) is never averaged away.
 */
public final class Downsampling {
    private Downsampling() {}

    public static int[] keep(int size, int maxPoints, List<float[]> guides) {
        if (size <= maxPoints) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) all[i] = i;
            return all;
        }
        int perBucket = 1 + 2 * guides.size();
        int buckets = Math.max(1, maxPoints / perBucket);
        TreeSet<Integer> kept = new TreeSet<>();
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * size / buckets), to = (int) ((long) (b + 1) * size / buckets);
            if (from >= to) continue;
            kept.add(from);
            for (float[] guide : guides) {
                int min = from, max = from;
                for (int i = from; i < to; i++) {
                    if (guide[i] < guide[min] || Float.isNaN(guide[i])) min = i;
                    if (guide[i] > guide[max] || Float.isNaN(guide[i])) max = i;
                }
                kept.add(min);
                kept.add(max);
            }
        }
        kept.add(size - 1);
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }
}
