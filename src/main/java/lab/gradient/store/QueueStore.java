package lab.gradient.store;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import lab.gradient.model.Json;
import lab.gradient.model.Run;
import lab.gradient.training.TrainingResult;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The queue: which runs wait and which train, the claims workers make through the database (one at a time, under the
 * row lock of {@code queue_lock}), the leases they hold and renew, the worker pools that train a shared database, and a
 * training's end or return to the queue said to every run following it. Whatever changes a training's status changes
 * its runs' in the same transaction.
 */
public final class QueueStore {
    private final Jdbi jdbi;

    QueueStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * An owner's queued runs in one lab (or outside labs): what fair scheduling needs to know. {@code running} counts
     * all the owner's runs training, {@code runningInLab} those of this lab, {@code labCap} the lab's limit (0 outside
     * labs); {@code inLine}: one of them holds a place in the line.
     */
    public record WaitingOwner(String owner, String lab, long firstSeq, int running, int runningInLab, int labCap,
            OffsetDateTime lastStart, boolean inLine) {}

    /** The fair line's rules, which the queue's policy decides. */
    public interface LineRules {
        /** Whether the owner's runs in this lab (or outside labs) may start now: under their caps. */
        boolean mayStart(WaitingOwner o);

        /** Of the owners waiting (per lab), those whose first waiting run takes a place at the end of the line now, in order. */
        List<WaitingOwner> joining(List<WaitingOwner> waiting);
    }

    /** How a completed run went on this server: its model, its estimated work per step and the seconds each step took. */
    public record Pace(String model, double flopsPerIteration, double secondsPerIteration) {}

    /**
     * The paces of the last {@code limit} trainings completed here, newest first (a run that shared one took no time
     * of its own; runs from before V8 have no work estimate).
     */
    public List<Pace> recentPaces(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT model, flops_per_iteration, iterations, started_at, finished_at FROM trainings "
                        + "WHERE status = 'completed' AND flops_per_iteration IS NOT NULL AND iterations > 0 AND started_at IS NOT NULL "
                        + "AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?")
                .bind(0, limit)
                .map((rs, ctx) -> new Pace(rs.getString(1), rs.getDouble(2), java.time.Duration.between(rs.getObject(4, OffsetDateTime.class),
                        rs.getObject(5, OffsetDateTime.class)).toNanos() / 1e9 / rs.getInt(3)))
                .list());
    }

    /**
     * A run waiting or training, as a forecast of the queue needs it; {@code lineSeq} orders the places in line (null for
     * a waiting run that has none yet, and meaningless once it trains).
     */
    public record Active(String id, String owner, String lab, boolean running, String model, int iterations, int totalIterations,
            double flopsPerIteration, String trainingId, Long lineSeq) {}

    /** Every queued or running run, queued ones in the order they were submitted. */
    public List<Active> activeRuns() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, owner, lab, status, model, iterations, total_iterations, flops_per_iteration, "
                        + "training_id, line_seq FROM runs WHERE status IN ('queued', 'running') ORDER BY queued_seq")
                .map((rs, ctx) -> new Active(rs.getString(1), rs.getString(2), rs.getString(3), "running".equals(rs.getString(4)),
                        rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getObject(8) == null ? Double.NaN : rs.getDouble(8), rs.getString(9),
                        rs.getObject(10) == null ? null : rs.getLong(10)))
                .list());
    }

    /** Owners with queued runs, per lab, with how many runs they have training and when they last started one. */
    public List<WaitingOwner> waitingOwners() {
        return jdbi.withHandle(QueueStore::waitingOwners);
    }

    private static List<WaitingOwner> waitingOwners(Handle h) {
        return h.createQuery("""
                SELECT q.owner, q.lab, MIN(q.queued_seq),
                       (SELECT COUNT(*) FROM runs r WHERE r.owner = q.owner AND r.status = 'running'),
                       (SELECT COUNT(*) FROM runs r WHERE r.owner = q.owner AND r.lab = q.lab AND r.status = 'running'),
                       COALESCE(MAX(l.max_training_per_student), 0),
                       (SELECT MAX(r.started_at) FROM runs r WHERE r.owner = q.owner),
                       COUNT(q.line_seq)
                FROM runs q LEFT JOIN labs l ON l.id = q.lab
                WHERE q.status = 'queued' GROUP BY q.owner, q.lab""")
                .map((rs, ctx) -> new WaitingOwner(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                        rs.getInt(6), rs.getObject(7, OffsetDateTime.class), rs.getInt(8) > 0))
                .list();
    }

    /**
     * Gives a place at the end of the line to the first waiting run of each owner (per lab) {@code rules} let join now,
     * in their order. Under the row lock of {@code queue_lock}, as claims are: places are taken one at a time, each
     * after every place already taken, so none ever moves back.
     */
    public void lineUp(LineRules rules) {
        jdbi.useTransaction(h -> {
            lockQueue(h);
            lineUp(h, rules);
        });
    }

    private static void lockQueue(Handle h) {
        h.createQuery("SELECT id FROM queue_lock WHERE id = 1 FOR UPDATE").mapTo(Integer.class).one();
    }

    private static void lineUp(Handle h, LineRules rules) {
        List<WaitingOwner> joining = rules.joining(waitingOwners(h));
        if (joining.isEmpty()) return;
        long last = h.createQuery("SELECT COALESCE(MAX(line_seq), 0) FROM runs").mapTo(Long.class).one();
        for (WaitingOwner o : joining) {
            String first = h.createQuery("SELECT id FROM runs WHERE owner = ? AND lab IS NOT DISTINCT FROM ? AND status = 'queued' "
                    + "ORDER BY queued_seq LIMIT 1").bind(0, o.owner()).bind(1, o.lab()).mapTo(String.class).one();
            h.createUpdate("UPDATE runs SET line_seq = ? WHERE id = ?").bind(0, ++last).bind(1, first).execute();
        }
    }

    /** How long a worker's hold on a training lasts unless renewed; its worker renews it every few seconds. */
    public static final int LEASE_SECONDS = 15;
    private static final String LEASE_END = "CURRENT_TIMESTAMP + INTERVAL '" + LEASE_SECONDS + "' SECOND";

    /**
     * Claims the next run for {@code worker}: the first in line whose owner may start a run now (a place whose owner's
     * caps filled meanwhile, with a run following someone else's training, is passed over and kept). Those who may start
     * line up first, and after the claim too: an owner still under their caps takes their next place at once. One
     * transaction holding the row lock of {@code queue_lock}, so claims by workers in any process are taken one at a
     * time: the line and a lab's per-student limit are computed from every run running anywhere, and no two workers
     * ever start the same training. Starting a run's training starts every run following it, and gives the worker the
     * training's lease.
     */
    public Optional<Run> claimNext(String worker, LineRules rules) {
        return jdbi.inTransaction(h -> {
            lockQueue(h);
            lineUp(h, rules);
            Map<String, WaitingOwner> owners = new HashMap<>();
            for (WaitingOwner o : waitingOwners(h)) owners.put(o.owner() + "\u0000" + o.lab(), o);
            List<String[]> line = h.createQuery("SELECT id, owner, lab FROM runs WHERE status = 'queued' AND line_seq IS NOT NULL ORDER BY line_seq")
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list();
            for (String[] place : line) {
                WaitingOwner owner = owners.get(place[1] + "\u0000" + place[2]);
                if (owner != null && rules.mayStart(owner) && claim(h, place[0], worker)) {
                    lineUp(h, rules);
                    return h.createQuery("SELECT " + RunStore.RUN_COLUMNS + " FROM runs WHERE id = ?").bind(0, place[0])
                            .map((rs, ctx) -> RunStore.mapRun(rs)).findOne();
                }
            }
            return Optional.<Run>empty();
        });
    }

    /**
     * A worker's hold on the training it trains. Every write the training makes (records, checkpoint, model, end) goes
     * through only while the worker holds it, and renews it: a worker that lost its lease (it stalled longer than
     * {@link #LEASE_SECONDS}, and the training was given back to the queue and perhaps claimed by another) cannot
     * overwrite what the training's new worker writes.
     */
    public record Lease(String trainingId, String worker) {}

    /** The worker's lease on the training is gone: its training was deleted, or given back for another to resume. */
    public static final class LeaseLost extends RuntimeException {
        LeaseLost(Lease lease) {
            super("worker " + lease.worker() + " no longer holds training " + lease.trainingId());
        }
    }

    /** First in every write of a training: renews the lease, or throws if it is not held (and rolls the write back). */
    static void holding(Handle h, Lease lease) {
        if (h.createUpdate("UPDATE trainings SET lease_until = " + LEASE_END + " WHERE id = ? AND worker = ? AND status = 'running'")
                .bind(0, lease.trainingId()).bind(1, lease.worker()).execute() != 1) {
            throw new LeaseLost(lease);
        }
    }

    /** Claims one queued run's training for {@code worker} (what {@link #claimNext} does for the run it picks). */
    public boolean claim(String runId, String worker) {
        return jdbi.inTransaction(h -> claim(h, runId, worker));
    }

    private static boolean claim(Handle h, String runId, String worker) {
        Optional<String> training = h.createQuery("SELECT training_id FROM runs WHERE id = ? AND status = 'queued'")
                .bind(0, runId).mapTo(String.class).findOne();
        if (training.isEmpty() || h.createUpdate("UPDATE trainings SET status = 'running', started_at = CURRENT_TIMESTAMP, "
                + "worker = ?, lease_until = " + LEASE_END + " WHERE id = ? AND status = 'queued'")
                .bind(0, worker).bind(1, training.get()).execute() != 1) {
            return false;
        }
        h.createUpdate("UPDATE runs SET status = 'running', started_at = CURRENT_TIMESTAMP WHERE training_id = ? AND status = 'queued'")
                .bind(0, training.get()).execute();
        return true;
    }

    /**
     * Renews {@code worker}'s leases on the trainings it runs; returns those of them that were asked to stop (their
     * last follower left), which the worker stops after their current step. Another process's cancel reaches the
     * worker this way.
     */
    public Set<String> renewLeases(String worker) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE trainings SET lease_until = " + LEASE_END + " WHERE worker = ? AND status = 'running'")
                    .bind(0, worker).execute();
            return new HashSet<>(h.createQuery("SELECT id FROM trainings WHERE worker = ? AND status = 'running' AND stop_requested")
                    .bind(0, worker).mapTo(String.class).list());
        });
    }

    /**
     * {@code pool} trains up to {@code workers} runs at once, for the next {@link #LEASE_SECONDS}; said again with every
     * renewal of its leases. Rows of pools not heard from for an hour go.
     */
    public void announceWorkers(String pool, int workers) {
        jdbi.useTransaction(h -> {
            if (h.createUpdate("UPDATE worker_pools SET workers = ?, seen_until = " + LEASE_END + " WHERE id = ?")
                    .bind(0, workers).bind(1, pool).execute() == 0) {
                h.createUpdate("INSERT INTO worker_pools (id, workers, seen_until) VALUES (?, ?, " + LEASE_END + ")")
                        .bind(0, pool).bind(1, workers).execute();
            }
            h.createUpdate("DELETE FROM worker_pools WHERE seen_until < CURRENT_TIMESTAMP - INTERVAL '1' HOUR").execute();
        });
    }

    /** A pool that stops (its process shuts down) trains nothing more. */
    public void retireWorkers(String pool) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM worker_pools WHERE id = ?").bind(0, pool).execute());
    }

    /** How many workers each pool heard from within its lease has: what trains the shared queue now. */
    public List<Integer> liveWorkerPools() {
        return jdbi.withHandle(h -> h.createQuery("SELECT workers FROM worker_pools WHERE seen_until > CURRENT_TIMESTAMP")
                .mapTo(Integer.class).list());
    }


    /** What became of a training when some of its runs left it ({@link #leave}). */
    public enum Left {
        /** Others still follow it: the leaving runs were cancelled where they stood, and it goes on for the others. */
        ALONE,
        /** It had not started: it was cancelled with every run following it. */
        CANCELLED,
        /** It is training for nobody now: asked to stop after its current step (its worker hears it). */
        STOPPING,
        /** None of the leaving runs was still following it. */
        ENDED
    }

    /**
     * Runs {@code leaving} stop following their training (cancelled or about to be deleted). Decided with the
     * training's row locked, as a run joining it locks it: a run that joins at the same moment is either counted as
     * one that still follows it, or joins after and does not join a cancelled training. Without the lock, a cancel that
     * had counted no other follower went on to cancel the training of a run that had just joined it.
     */
    public Left leave(String trainingId, Collection<String> leaving) {
        return jdbi.inTransaction(h -> {
            Optional<String> status = h.createQuery("SELECT status FROM trainings WHERE id = ? FOR UPDATE").bind(0, trainingId)
                    .mapTo(String.class).findOne();
            if (status.isEmpty()) return Left.ENDED;
            int stillLeaving = h.createQuery("SELECT COUNT(*) FROM runs WHERE training_id = :training AND id IN (<leaving>) "
                            + "AND status IN ('queued', 'running')")
                    .bind("training", trainingId).bindList("leaving", List.copyOf(leaving)).mapTo(Integer.class).one();
            if (stillLeaving == 0) return Left.ENDED;
            int others = h.createQuery("SELECT COUNT(*) FROM runs WHERE training_id = :training AND id NOT IN (<leaving>) "
                            + "AND status IN ('queued', 'running')")
                    .bind("training", trainingId).bindList("leaving", List.copyOf(leaving)).mapTo(Integer.class).one();
            if (others > 0) {
                h.createUpdate("UPDATE runs SET status = 'cancelled', finished_at = CURRENT_TIMESTAMP WHERE training_id = :training "
                                + "AND id IN (<leaving>) AND status IN ('queued', 'running')")
                        .bind("training", trainingId).bindList("leaving", List.copyOf(leaving)).execute();
                return Left.ALONE;
            }
            if ("queued".equals(status.get())) {
                h.createUpdate("UPDATE trainings SET status = 'cancelled', finished_at = CURRENT_TIMESTAMP WHERE id = ?")
                        .bind(0, trainingId).execute();
                h.createUpdate("UPDATE runs SET status = 'cancelled', finished_at = CURRENT_TIMESTAMP WHERE training_id = ? "
                        + "AND status = 'queued'").bind(0, trainingId).execute();
                return Left.CANCELLED;
            }
            h.createUpdate("UPDATE trainings SET stop_requested = TRUE WHERE id = ? AND status = 'running'").bind(0, trainingId).execute();
            return Left.STOPPING;
        });
    }

    /**
     * A training ends; so do the runs following it, with the same status and summary. Its checkpoint goes: a finished
     * training is not resumed, and its state is large.
     */
    public void finish(Lease lease, String status, int iterations, TrainingResult.Summary summary, String error) {
        String json = summary == null ? null : Json.write(summary);
        String trainingId = lease.trainingId();
        jdbi.useTransaction(h -> {
            holding(h, lease);
            for (String sql : List.of("UPDATE trainings SET status = ?, finished_at = CURRENT_TIMESTAMP, iterations = ?, summary = ?, error = ? "
                            + "WHERE id = ? AND status = 'running'",
                    "UPDATE runs SET status = ?, finished_at = CURRENT_TIMESTAMP, iterations = ?, summary = ?, error = ? "
                            + "WHERE training_id = ? AND status = 'running'")) {
                h.createUpdate(sql).bind(0, status).bind(1, iterations).bind(2, json).bind(3, error).bind(4, trainingId).execute();
            }
            if (summary != null && summary.budgetExhausted()) {
                // cut short by this server's time budget: not the result its settings ask for, so no later identical run
                // reads it as theirs (the budget is not in the key); it keeps a key of its own
                h.createUpdate("UPDATE trainings SET training_key = ? WHERE id = ?").bind(0, "cut-short:" + trainingId)
                        .bind(1, trainingId).execute();
            }
            h.createUpdate("DELETE FROM training_checkpoints WHERE training_id = ?").bind(0, trainingId).execute();
        });
    }


    /**
     * After a crash or restart, when this process alone opens the database (embedded H2): every training left
     * "running" was this process's. See {@link #recover}.
     */
    public int[] recoverRunning() {
        return recover("status = 'running'");
    }

    /**
     * Trainings whose worker stopped renewing its lease (killed, machine gone, cut off from the database for longer
     * than {@link #LEASE_SECONDS}): what any process sharing the database checks every few seconds. See {@link #recover}.
     */
    public int[] recoverExpired() {
        return recover("status = 'running' AND lease_until < CURRENT_TIMESTAMP");
    }

    /**
     * Trainings matching {@code lost} lost their worker: one with a checkpoint goes back to the queue to resume from
     * it, one without becomes interrupted, one asked to stop is cancelled; so do the runs following them. Returns
     * {resumed, interrupted} trainings.
     */
    private int[] recover(String lost) {
        return jdbi.inTransaction(h -> {
            // the lost trainings' rows locked first, as every statement that moves a training does: a run joining one
            // now waits, and then reads what it became
            List<String> trainings = h.createQuery("SELECT id FROM trainings WHERE " + lost + " ORDER BY id FOR UPDATE")
                    .mapTo(String.class).list();
            int resumed = 0, interrupted = 0;
            for (String training : trainings) {
                boolean stopRequested = h.createQuery("SELECT stop_requested FROM trainings WHERE id = ?").bind(0, training)
                        .mapTo(Boolean.class).one();
                boolean checkpointed = h.createQuery("SELECT COUNT(*) FROM training_checkpoints WHERE training_id = ?").bind(0, training)
                        .mapTo(Integer.class).one() > 0;
                // one asked to stop before the crash is not resumed for nobody; one with a checkpoint resumes from it
                String status = stopRequested ? "cancelled" : checkpointed ? "queued" : "interrupted";
                boolean ended = !"queued".equals(status);
                h.createUpdate("UPDATE trainings SET status = ?, worker = NULL, lease_until = NULL"
                                + (ended ? ", finished_at = CURRENT_TIMESTAMP" : "") + " WHERE id = ?")
                        .bind(0, status).bind(1, training).execute();
                h.createUpdate("UPDATE runs SET status = ?" + (ended ? ", finished_at = CURRENT_TIMESTAMP" : "")
                                + " WHERE training_id = ? AND status IN ('queued', 'running')")
                        .bind(0, status).bind(1, training).execute();
                if ("queued".equals(status)) resumed++;
                if ("interrupted".equals(status)) interrupted++;
            }
            return new int[] {resumed, interrupted};
        });
    }

    /**
     * Runs that still read queued or running while their training has moved on (what joins racing claims left behind
     * before joins locked the training, issue 30) take their training's status, progress and result. Returns how many.
     */
    public int repairRunsBehindTheirTrainings() {
        return jdbi.inTransaction(h -> h.createUpdate("""
                UPDATE runs SET
                    status = (SELECT t.status FROM trainings t WHERE t.id = runs.training_id),
                    iterations = (SELECT t.iterations FROM trainings t WHERE t.id = runs.training_id),
                    total_iterations = (SELECT t.total_iterations FROM trainings t WHERE t.id = runs.training_id),
                    summary = (SELECT t.summary FROM trainings t WHERE t.id = runs.training_id),
                    error = (SELECT t.error FROM trainings t WHERE t.id = runs.training_id),
                    started_at = COALESCE(started_at, (SELECT t.started_at FROM trainings t WHERE t.id = runs.training_id)),
                    finished_at = (SELECT t.finished_at FROM trainings t WHERE t.id = runs.training_id)
                WHERE status IN ('queued', 'running')
                  AND EXISTS (SELECT 1 FROM trainings t WHERE t.id = runs.training_id AND t.status <> runs.status)""").execute());
    }

    /**
     * A training stopped by a shutdown goes back to the queue with its runs, to resume from its checkpoint; not one its
     * runs' owners cancelled (false: it ends as cancelled).
     */
    public boolean requeue(Lease lease) {
        String trainingId = lease.trainingId();
        return jdbi.inTransaction(h -> {
            // one that its last follower left (stop requested) is not trained again for nobody
            if (h.createUpdate("UPDATE trainings SET status = 'queued', worker = NULL, lease_until = NULL WHERE id = ? AND worker = ? "
                    + "AND status = 'running' AND NOT stop_requested").bind(0, trainingId).bind(1, lease.worker()).execute() != 1) {
                return false;
            }
            h.createUpdate("UPDATE runs SET status = 'queued' WHERE training_id = ? AND status = 'running'").bind(0, trainingId).execute();
            return true;
        });
    }

    /** Whether the training's last follower left it (cancelled or deleted while it trained). */
    public boolean stopRequested(String trainingId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT stop_requested FROM trainings WHERE id = ?").bind(0, trainingId)
                .mapTo(Boolean.class).findOne()).orElse(true);
    }

    /** Whether the training still exists: every run sharing it may have been deleted while it trained. */
    public boolean trainingExists(String trainingId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM trainings WHERE id = ?").bind(0, trainingId)
                .mapTo(Integer.class).one()) == 1;
    }

    public int countActive(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM runs WHERE owner = ? AND status IN ('queued', 'running')")
                .bind(0, owner).mapTo(Integer.class).one());
    }

    /**
     * Runs queued or training of every owner whose token was issued to the same client address as {@code owner}'s:
     * what one client holds in the queue however many identities it asked for. 0 when the address is unknown.
     */
    public int countActiveFromAddressOf(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM runs r JOIN issued_tokens t ON t.owner = r.owner "
                        + "WHERE t.issued_to = (SELECT issued_to FROM issued_tokens WHERE owner = ?) AND r.status IN ('queued', 'running')")
                .bind(0, owner).mapTo(Integer.class).one());
    }

    public int countQueued() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM runs WHERE status = 'queued'").mapTo(Integer.class).one());
    }

    /** Where a training stands, as its worker last wrote it: what a process that does not train it reads. */
    public record TrainingState(String status, int iterations, int totalIterations, double seconds) {}

    public Optional<TrainingState> trainingState(String trainingId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status, iterations, total_iterations, started_at, CURRENT_TIMESTAMP "
                        + "FROM trainings WHERE id = ?")
                .bind(0, trainingId)
                .map((rs, ctx) -> {
                    OffsetDateTime started = rs.getObject(4, OffsetDateTime.class), now = rs.getObject(5, OffsetDateTime.class);
                    double seconds = started == null ? 0 : java.time.Duration.between(started, now).toMillis() / 1e3;
                    return new TrainingState(rs.getString(1), rs.getInt(2), rs.getInt(3), seconds);
                })
                .findOne());
    }
}
