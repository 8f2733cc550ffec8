package lab.gradient.runs;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lab.gradient.store.QueueStore;

/**
 * The one line every waiting run stands in, the same for the workers' claims ({@link LocalWorkerPool}), the places the
 * pages show and the forecast ({@link QueueForecast}). Places are served first come, first served, and each is taken at
 * the end of the line, so a place only ever moves forward: a student who arrives later stands behind everyone already
 * in line. Fairness is in who may take a place:
 * <ul>
 * <li>a student holds one place at a time, for their earliest waiting run that may start (under the per-owner cap
 * and their lab's per-student cap), so their twenty runs do not hold back another student's one;</li>
 * <li>a student with a run training takes a place only while nobody with none training stands in line: in a class,
 * every student's first run goes before anyone's second (round-robin), while a student alone still fills every worker.</li>
 * </ul>
 */
public final class FairLine implements QueueStore.LineRules {
    /**
     * Owners who take places at the same moment (when the line is first read, or when several runs end together)
     * stand in this order: fewest runs training, then the longest since their last start (never beats any time), then
     * the earliest submission (so a student's own experiment goes before the variants queued after it).
     */
    private static final Comparator<QueueStore.WaitingOwner> TOGETHER = Comparator.comparingInt(QueueStore.WaitingOwner::running)
            .thenComparing(QueueStore.WaitingOwner::lastStart, Comparator.nullsFirst(Comparator.<OffsetDateTime>naturalOrder()))
            .thenComparingLong(QueueStore.WaitingOwner::firstSeq);

    private final int maxRunningPerOwner;

    private FairLine(int maxRunningPerOwner) {
        this.maxRunningPerOwner = maxRunningPerOwner;
    }

    /** The line's rules for a server whose owners may train up to {@code maxRunningPerOwner} runs at once. */
    static FairLine rules(int maxRunningPerOwner) {
        return new FairLine(maxRunningPerOwner);
    }

    @Override
    public boolean mayStart(QueueStore.WaitingOwner o) {
        return o.running() < maxRunningPerOwner && (o.lab() == null || o.runningInLab() < o.labCap());
    }

    @Override
    public List<QueueStore.WaitingOwner> joining(List<QueueStore.WaitingOwner> waiting) {
        Set<String> placed = new HashSet<>();
        boolean idleInLine = false;
        for (QueueStore.WaitingOwner o : waiting) {
            if (!o.inLine()) continue;
            placed.add(o.owner());
            idleInLine |= o.running() == 0;
        }
        List<QueueStore.WaitingOwner> joining = new ArrayList<>();
        for (QueueStore.WaitingOwner o : waiting.stream().filter(o -> !o.inLine() && mayStart(o)).sorted(TOGETHER).toList()) {
            if (placed.contains(o.owner()) || o.running() > 0 && idleInLine) continue;
            joining.add(o);
            placed.add(o.owner());
            idleInLine |= o.running() == 0;
        }
        return joining;
    }
}
