package lab.gradient.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import lab.gradient.model.Run;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** All SQL about distance sweeps and their points. Every value is a bound parameter. */
public final class SweepStore {
    /** {@code lab}: the lab's id for a class sweep, else null; {@code gridJson}: the grid as the sweeps capability writes it. */
    public record Sweep(String id, String name, String owner, String lab, String gridJson, OffsetDateTime createdAt) {}

    /** A started cell: {@code student} is the lab name of its owner in a class sweep, else null. */
    public record Point(int ordinal, int cell, String owner, String student, Run run) {}

    private static final String SWEEP_COLUMNS = "id, name, owner, lab, grid, created_at";

    private final Jdbi jdbi;

    public SweepStore(Database database) {
        this.jdbi = database.jdbi();
    }

    /**
     * A sweep and its points, cell i's experiment at index i of the experiments stored with it: what the run store
     * writes in the same transaction as those experiments, so a sweep is stored whole with its queued runs or not at all.
     */
    public static RunStore.Alongside with(Sweep sweep) {
        return (h, experimentIds) -> {
            insertSweep(h, sweep);
            for (int i = 0; i < experimentIds.size(); i++) {
                h.createUpdate("INSERT INTO sweep_points (sweep_id, ordinal, cell, owner, experiment_id) VALUES (?, ?, ?, ?, ?)")
                        .bind(0, sweep.id()).bind(1, i).bind(2, i).bind(3, sweep.owner()).bind(4, experimentIds.get(i)).execute();
            }
        };
    }

    private static void insertSweep(org.jdbi.v3.core.Handle h, Sweep sweep) {
        h.createUpdate("INSERT INTO sweeps (id, name, owner, lab, grid) VALUES (?, ?, ?, ?, ?)")
                .bind(0, sweep.id()).bind(1, sweep.name()).bind(2, sweep.owner()).bind(3, sweep.lab()).bind(4, sweep.gridJson()).execute();
    }

    /** The lab's sweep: {@code fresh} stored if the lab has none yet (two callers at once get the same one). */
    public Sweep labSweep(Sweep fresh) {
        Optional<Sweep> existing = ofLab(fresh.lab());
        if (existing.isPresent()) return existing.get();
        try {
            jdbi.useHandle(h -> insertSweep(h, fresh));
        } catch (UnableToExecuteStatementException e) {
            // another request stored the lab's sweep first (the lab column is unique)
            return ofLab(fresh.lab()).orElseThrow(() -> e);
        }
        return ofLab(fresh.lab()).orElseThrow();
    }

    public Optional<Sweep> sweep(String id) {
        return one("SELECT " + SWEEP_COLUMNS + " FROM sweeps WHERE id = ?", id);
    }

    public Optional<Sweep> ofLab(String labId) {
        return one("SELECT " + SWEEP_COLUMNS + " FROM sweeps WHERE lab = ?", labId);
    }

    /** The sweep whose point {@code experimentId} is, or empty. */
    public Optional<Sweep> ofExperiment(String experimentId) {
        return one("SELECT " + SWEEP_COLUMNS.replaceAll("(^|, )", "$1s.") + " FROM sweeps s JOIN sweep_points p ON p.sweep_id = s.id "
                + "WHERE p.experiment_id = ?", experimentId);
    }

    private Optional<Sweep> one(String sql, String key) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind(0, key)
                .map((rs, ctx) -> new Sweep(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getObject(6, OffsetDateTime.class)))
                .findOne());
    }

    /**
     * Gives {@code owner} the next cell of a grid of {@code cells}: the first of those started fewest times, so each cell
     * is given once before any is given again. Chosen under a lock on the sweep's row, so simultaneous starts (in one
     * process or several on a shared database) get different cells. Returns the point's ordinal and its cell; the point
     * has no experiment until {@link #attach}.
     */
    /** A claimed point with no experiment after this long was abandoned: a submission takes well under a second. */
    static final int ABANDONED_CLAIM_SECONDS = 60;

    public int[] claimCell(String sweepId, String owner, int cells) {
        return jdbi.inTransaction(h -> {
            h.createQuery("SELECT id FROM sweeps WHERE id = ? FOR UPDATE").bind(0, sweepId).mapTo(String.class).one();
            // a claim whose experiment never came (its process died before submitting it) gives its cell back
            h.createUpdate("DELETE FROM sweep_points WHERE sweep_id = ? AND experiment_id IS NULL AND claimed_at < "
                    + "CURRENT_TIMESTAMP - INTERVAL '" + ABANDONED_CLAIM_SECONDS + "' SECOND").bind(0, sweepId).execute();
            int[] started = new int[cells];
            h.createQuery("SELECT cell, COUNT(*) FROM sweep_points WHERE sweep_id = ? GROUP BY cell").bind(0, sweepId)
                    .map((rs, ctx) -> new int[] {rs.getInt(1), rs.getInt(2)}).forEach(c -> {
                        if (c[0] < cells) started[c[0]] = c[1];
                    });
            int cell = 0;
            for (int c = 1; c < cells; c++) if (started[c] < started[cell]) cell = c;
            int ordinal = h.createQuery("SELECT COALESCE(MAX(ordinal), -1) + 1 FROM sweep_points WHERE sweep_id = ?")
                    .bind(0, sweepId).mapTo(Integer.class).one();
            h.createUpdate("INSERT INTO sweep_points (sweep_id, ordinal, cell, owner) VALUES (?, ?, ?, ?)")
                    .bind(0, sweepId).bind(1, ordinal).bind(2, cell).bind(3, owner).execute();
            return new int[] {ordinal, cell};
        });
    }

    public void attach(String sweepId, int ordinal, String experimentId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE sweep_points SET experiment_id = ? WHERE sweep_id = ? AND ordinal = ?")
                .bind(0, experimentId).bind(1, sweepId).bind(2, ordinal).execute());
    }

    /** Gives a claimed cell back when its experiment was refused. */
    public void release(String sweepId, int ordinal) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM sweep_points WHERE sweep_id = ? AND ordinal = ? AND experiment_id IS NULL")
                .bind(0, sweepId).bind(1, ordinal).execute());
    }

    /** The sweep's started points with their runs, in the order they were started (a deleted run's point is gone). */
    public List<Point> points(String sweepId) {
        String sql = "SELECT r." + RunStore.RUN_COLUMNS.replace(", ", ", r.") + ", p.ordinal, p.cell, p.owner, lp.name "
                + "FROM sweep_points p JOIN sweeps s ON s.id = p.sweep_id JOIN runs r ON r.experiment_id = p.experiment_id "
                + "LEFT JOIN lab_participants lp ON lp.lab_id = s.lab AND lp.owner = p.owner "
                + "WHERE p.sweep_id = ? ORDER BY p.ordinal, r.arm";
        int n = RunStore.RUN_COLUMN_COUNT;
        return jdbi.withHandle(h -> h.createQuery(sql).bind(0, sweepId)
                .map((rs, ctx) -> new Point(rs.getInt(n + 1), rs.getInt(n + 2), rs.getString(n + 3), rs.getString(n + 4), RunStore.mapRun(rs)))
                .list());
    }
}
