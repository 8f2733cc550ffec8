package lab.gradient.runs;

import java.time.OffsetDateTime;
import java.util.Comparator;
import lab.gradient.store.QueueStore;

/**
 * The one line every waiting run stands in, the same for the workers' claims ({@link LocalWorkerPool}), the places the
 * pages show and the forecast ({@link QueueForecast}). An owner (per lab) holds at most one place at a time, taken when
 * they may start a run: their first, and each next one when the run before it starts (or, at their cap, ends). Places
 * are served first come, first served. So a student's twenty runs hold one place, not twenty, and a place only ever
 * moves forward: a student who arrives later stands behind everyone already in line, and a student's own next run
 * joins behind them too. In a lab whose students train one run at a time this is round-robin over the class.
 */
public final class FairLine {
    private FairLine() {}

    /**
     * Owners who take places at the same moment (when the line is first read, or when several runs end together)
     * stand in this order: fewest runs training, then the longest since their last start (never beats any time), then
     * the earliest submission.
     */
    static final Comparator<QueueStore.WaitingOwner> TOGETHER = Comparator.comparingInt(QueueStore.WaitingOwner::running)
            .thenComparing(QueueStore.WaitingOwner::lastStart, Comparator.nullsFirst(Comparator.<OffsetDateTime>naturalOrder()))
            .thenComparingLong(QueueStore.WaitingOwner::firstSeq);

    /** May start a run now: under the per-owner cap on runs training, and in a lab under its per-student cap. */
    static boolean mayStart(QueueStore.WaitingOwner o, int maxRunningPerOwner) {
        return o.running() < maxRunningPerOwner && (o.lab() == null || o.runningInLab() < o.labCap());
    }

    /** The line's rules for a server whose owners may train up to {@code maxRunningPerOwner} runs at once. */
    static QueueStore.LineRules rules(int maxRunningPerOwner) {
        return new QueueStore.LineRules(o -> mayStart(o, maxRunningPerOwner), TOGETHER);
    }
}
