package lab.gradient.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.gradient.training.Checkpoint;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.RecurrentSpectrum;
import lab.gradient.training.TrainingResult;
import lab.gradient.training.TrainingSettings;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** All SQL about experiments and runs. Every value is a bound parameter. */
public final class RunStore {
    /** An experiment as stored: its sentences' source decoded, so no caller knows the column's format. */
    public record Experiment(String id, String name, String owner, String lab, CorpusSpec corpus, String lesson, OffsetDateTime createdAt) {}

    /**
     * A run as stored, its settings and summary decoded ({@code summary} null until it has ended with one): callers
     * read typed values and never the columns' JSON. {@code iterations} of {@code totalIterations} is its progress;
     * {@code cancelledBy} says who asked to cancel it ("owner" or "teacher"), or is null.
     */
    public record Run(String id, String experimentId, int arm, String model, TrainingSettings settings, String owner, String lab,
            String status, OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt,
            int iterations, int totalIterations, TrainingResult.Summary summary, String error, String cancelledBy,
            double flopsPerIteration) {}

    /**
     * An owner's queued runs in one lab (or outside labs): what fair scheduling needs to know. {@code running} counts
     * all the owner's runs training, {@code runningInLab} those of this lab, {@code labCap} the lab's limit (0 outside labs).
     */
    public record WaitingOwner(String owner, String lab, long firstSeq, int running, int runningInLab, int labCap,
            OffsetDateTime lastStart) {}

    public record Validation(int iteration, int epoch, double loss, double perplexity, double top1, double top5, double longRangeAccuracy) {}

    public record Flow(int iteration, double[] norms) {}

    /** Each recurrent matrix's spectral radius and largest singular value at one probe, by matrix name. */
    public record Spectrum(int iteration, Map<String, RecurrentSpectrum.Values> matrices) {}

    public record StoredModel(List<String> vocabulary, byte[] model) {}

    /** One flush's worth of a run's records, written in one transaction. */
    public record Batch(List<String> columns, int firstIteration, List<float[]> rows, List<Validation> validations,
            List<Flow> flows, List<Spectrum> spectra) {
        public boolean isEmpty() {
            return rows.isEmpty() && validations.isEmpty() && flows.isEmpty() && spectra.isEmpty();
        }
    }

    static final String RUN_COLUMNS = "id, experiment_id, arm, model, settings, owner, lab, status, created_at, "
            + "started_at, finished_at, iterations, total_iterations, summary, error, cancelled_by, flops_per_iteration";
    /** Queries that select more than a run read their extra columns after these: at {@code RUN_COLUMN_COUNT + 1} on. */
    static final int RUN_COLUMN_COUNT = RUN_COLUMNS.split(",").length;

    private static final TypeReference<Map<String, RecurrentSpectrum.Values>> MATRICES = new TypeReference<>() {};

    private final Jdbi jdbi;

    public RunStore(Database database) {
        this.jdbi = database.jdbi();
    }

    public void insertExperiment(Experiment experiment, List<Run> runs) {
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO experiments (id, name, owner, lab, corpus, lesson) VALUES (?, ?, ?, ?, ?, ?)")
                    .bind(0, experiment.id()).bind(1, experiment.name()).bind(2, experiment.owner())
                    .bind(3, experiment.lab()).bind(4, Json.write(experiment.corpus())).bind(5, experiment.lesson()).execute();
            for (Run run : runs) {
                h.createUpdate("INSERT INTO runs (id, experiment_id, arm, model, settings, owner, lab, status, queued_seq, "
                                + "total_iterations, flops_per_iteration) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', NEXT VALUE FOR run_queue_seq, ?, ?)")
                        .bind(0, run.id()).bind(1, experiment.id()).bind(2, run.arm()).bind(3, run.model())
                        .bind(4, Json.write(run.settings())).bind(5, run.owner()).bind(6, run.lab()).bind(7, run.totalIterations())
                        .bind(8, Double.isFinite(run.flopsPerIteration()) ? run.flopsPerIteration() : null).execute();
            }
        });
    }

    public Optional<Experiment> experiment(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, owner, lab, corpus, lesson, created_at FROM experiments WHERE id = ?")
                .bind(0, id)
                .map((rs, ctx) -> new Experiment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Json.read(rs.getString(5), CorpusSpec.class), rs.getString(6), rs.getObject(7, OffsetDateTime.class)))
                .findOne());
    }

    public Optional<Run> run(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?").bind(0, id)
                .map((rs, ctx) -> mapRun(rs)).findOne());
    }

    public List<Run> runsOfExperiment(String experimentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + RUN_COLUMNS + " FROM runs WHERE experiment_id = ? ORDER BY arm")
                .bind(0, experimentId).map((rs, ctx) -> mapRun(rs)).list());
    }

    public List<Run> runsOfOwner(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + RUN_COLUMNS + " FROM runs WHERE owner = ? ORDER BY created_at DESC, arm")
                .bind(0, owner).map((rs, ctx) -> mapRun(rs)).list());
    }

    /** A run in a list, with the name of its experiment. */
    public record Listed(Run run, String experimentName) {}

    /** A page of an owner's runs, newest first, narrowed by any of model, status, lab and experiment name. */
    public List<Listed> findRuns(String owner, String model, String status, String lab, String nameContains, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS.replaceAll("(^|, )", "$1r.") + ", e.name"
                + " FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.owner = :owner");
        if (model != null) sql.append(" AND r.model = :model");
        if (status != null) sql.append(" AND r.status = :status");
        if (lab != null) sql.append(" AND r.lab = :lab");
        if (nameContains != null) sql.append(" AND LOWER(e.name) LIKE :name ESCAPE '\\'");
        sql.append(" ORDER BY r.created_at DESC, r.experiment_id, r.arm LIMIT :limit OFFSET :offset");
        return jdbi.withHandle(h -> {
            var query = h.createQuery(sql.toString()).bind("owner", owner).bind("limit", limit).bind("offset", offset);
            if (model != null) query.bind("model", model);
            if (status != null) query.bind("status", status);
            if (lab != null) query.bind("lab", lab);
            if (nameContains != null) {
                String escaped = nameContains.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
                query.bind("name", "%" + escaped + "%");
            }
            return query.map((rs, ctx) -> new Listed(mapRun(rs), rs.getString(RUN_COLUMN_COUNT + 1))).list();
        });
    }

    static Run mapRun(java.sql.ResultSet rs) throws java.sql.SQLException {
        String summary = rs.getString(14);
        return new Run(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), Json.read(rs.getString(5), TrainingSettings.class),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getObject(9, OffsetDateTime.class), rs.getObject(10, OffsetDateTime.class),
                rs.getObject(11, OffsetDateTime.class), rs.getInt(12), rs.getInt(13),
                summary == null ? null : Json.read(summary, TrainingResult.Summary.class), rs.getString(15), rs.getString(16),
                rs.getObject(17) == null ? Double.NaN : rs.getDouble(17));
    }

    /** How a completed run went on this server: its model, its estimated work per step and the seconds each step took. */
    public record Pace(String model, double flopsPerIteration, double secondsPerIteration) {}

    /** The paces of the last {@code limit} runs completed here, newest first (runs from before V8 have no work estimate). */
    public List<Pace> recentPaces(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT model, flops_per_iteration, iterations, started_at, finished_at FROM runs "
                        + "WHERE status = 'completed' AND flops_per_iteration IS NOT NULL AND iterations > 0 AND started_at IS NOT NULL "
                        + "AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?")
                .bind(0, limit)
                .map((rs, ctx) -> new Pace(rs.getString(1), rs.getDouble(2), java.time.Duration.between(rs.getObject(4, OffsetDateTime.class),
                        rs.getObject(5, OffsetDateTime.class)).toMillis() / 1000.0 / rs.getInt(3)))
                .list());
    }

    /** A run waiting or training, as a forecast of the queue needs it. */
    public record Active(String id, String owner, String lab, boolean running, String model, int iterations, int totalIterations,
            double flopsPerIteration) {}

    /** Every queued or running run, queued ones in the order they were submitted. */
    public List<Active> activeRuns() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, owner, lab, status, model, iterations, total_iterations, flops_per_iteration "
                        + "FROM runs WHERE status IN ('queued', 'running') ORDER BY queued_seq")
                .map((rs, ctx) -> new Active(rs.getString(1), rs.getString(2), rs.getString(3), "running".equals(rs.getString(4)),
                        rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getObject(8) == null ? Double.NaN : rs.getDouble(8)))
                .list());
    }

    /** Owners with queued runs, per lab, with how many runs they have training and when they last started one. */
    public List<WaitingOwner> waitingOwners() {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT q.owner, q.lab, MIN(q.queued_seq),
                       (SELECT COUNT(*) FROM runs r WHERE r.owner = q.owner AND r.status = 'running'),
                       (SELECT COUNT(*) FROM runs r WHERE r.owner = q.owner AND r.lab = q.lab AND r.status = 'running'),
                       COALESCE(MAX(l.max_training_per_student), 0),
                       (SELECT MAX(r.started_at) FROM runs r WHERE r.owner = q.owner)
                FROM runs q LEFT JOIN labs l ON l.id = q.lab
                WHERE q.status = 'queued' GROUP BY q.owner, q.lab""")
                .map((rs, ctx) -> new WaitingOwner(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                        rs.getInt(6), rs.getObject(7, OffsetDateTime.class)))
                .list());
    }

    public Optional<String> firstQueuedRunOf(String owner, String lab) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM runs WHERE owner = ? AND lab IS NOT DISTINCT FROM ? "
                        + "AND status = 'queued' ORDER BY queued_seq LIMIT 1")
                .bind(0, owner).bind(1, lab).mapTo(String.class).findOne());
    }

    /** Atomic: only one worker, in this process or another, can move a run from queued to running. */
    public boolean claim(String runId) {
        return jdbi.withHandle(h -> h.createUpdate(
                "UPDATE runs SET status = 'running', started_at = CURRENT_TIMESTAMP WHERE id = ? AND status = 'queued'")
                .bind(0, runId).execute()) == 1;
    }

    /** Notes who asked to cancel a run that has not ended ("owner" or "teacher"). */
    public void markCancelledBy(String runId, String who) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE runs SET cancelled_by = ? WHERE id = ? AND status IN ('queued', 'running')")
                .bind(0, who).bind(1, runId).execute());
    }

    public boolean cancelQueued(String runId) {
        return jdbi.withHandle(h -> h.createUpdate(
                "UPDATE runs SET status = 'cancelled', finished_at = CURRENT_TIMESTAMP WHERE id = ? AND status = 'queued'")
                .bind(0, runId).execute()) == 1;
    }

    public void finish(String runId, String status, int iterations, TrainingResult.Summary summary, String error) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE runs SET status = ?, finished_at = CURRENT_TIMESTAMP, iterations = ?, "
                        + "summary = ?, error = ? WHERE id = ? AND status = 'running'")
                .bind(0, status).bind(1, iterations).bind(2, summary == null ? null : Json.write(summary)).bind(3, error).bind(4, runId).execute());
    }

    /** At start-up: runs that were running when the process died are marked, their records kept. */
    /**
     * After a crash or restart: a run left "running" with a checkpoint goes back to the queue to resume from it; one
     * without becomes interrupted. Returns {resumed, interrupted}.
     */
    public int[] recoverRunning() {
        return jdbi.inTransaction(h -> {
            int resumed = h.createUpdate("UPDATE runs SET status = 'queued' WHERE status = 'running' "
                    + "AND id IN (SELECT run_id FROM run_checkpoints)").execute();
            int interrupted = h.createUpdate(
                    "UPDATE runs SET status = 'interrupted', finished_at = CURRENT_TIMESTAMP WHERE status = 'running'").execute();
            return new int[] {resumed, interrupted};
        });
    }

    /** Replaces the run's checkpoint. */
    public void saveCheckpoint(String runId, Checkpoint c) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM run_checkpoints WHERE run_id = ?").bind(0, runId).execute();
            h.createUpdate("INSERT INTO run_checkpoints (run_id, iteration, epoch, position, seconds, summary, state) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, runId).bind(1, c.iteration()).bind(2, c.epoch()).bind(3, c.position()).bind(4, c.seconds())
                    .bind(5, c.summary()).bind(6, c.state()).execute();
        });
    }

    public Optional<Checkpoint> checkpoint(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT iteration, epoch, position, seconds, summary, state FROM run_checkpoints WHERE run_id = ?")
                .bind(0, runId)
                .map((rs, ctx) -> new Checkpoint(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getDouble(4), rs.getString(5), rs.getBytes(6)))
                .findOne());
    }

    /**
     * Forgets what a run recorded after {@code iteration} (its checkpoint): the steps it takes again on resuming are
     * recorded once. The recorder writes everything up to a checkpoint before saving it, so no metric chunk spans it.
     */
    public void truncateAfter(String runId, int iteration) {
        jdbi.useTransaction(h -> {
            for (String table : List.of("run_validation", "run_gradient_flow", "run_spectrum")) {
                h.createUpdate("DELETE FROM " + table + " WHERE run_id = ? AND iteration > ?").bind(0, runId).bind(1, iteration).execute();
            }
            h.createUpdate("DELETE FROM run_metric_chunks WHERE run_id = ? AND first_iteration > ?").bind(0, runId).bind(1, iteration).execute();
            h.createUpdate("UPDATE runs SET iterations = ? WHERE id = ?").bind(0, iteration).bind(1, runId).execute();
        });
    }

    /** A run stopped by a shutdown goes back to the queue, to resume from its checkpoint when a worker starts. */
    public boolean requeue(String runId) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE runs SET status = 'queued' WHERE id = ? AND status = 'running'")
                .bind(0, runId).execute()) == 1;
    }

    /** A finished run needs no checkpoint: it is not resumed, and its state is large. */
    public void deleteCheckpoint(String runId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM run_checkpoints WHERE run_id = ?").bind(0, runId).execute());
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

    public void append(String runId, Batch batch, int iterations, int totalIterations) {
        jdbi.useTransaction(h -> {
            if (!batch.rows().isEmpty()) {
                h.createUpdate("INSERT INTO run_metric_chunks (run_id, first_iteration, row_count, columns, data) VALUES (?, ?, ?, ?, ?)")
                        .bind(0, runId).bind(1, batch.firstIteration()).bind(2, batch.rows().size())
                        .bind(3, Json.write(batch.columns())).bind(4, MetricSeries.encode(batch.columns(), batch.rows())).execute();
            }
            if (!batch.validations().isEmpty()) {
                PreparedBatch insert = h.prepareBatch("INSERT INTO run_validation (run_id, iteration, epoch, loss, perplexity, top1, top5, "
                        + "long_range_accuracy) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                for (Validation v : batch.validations()) {
                    insert.bind(0, runId).bind(1, v.iteration()).bind(2, v.epoch()).bind(3, nullIfNaN(v.loss()))
                            .bind(4, nullIfNaN(v.perplexity())).bind(5, nullIfNaN(v.top1())).bind(6, nullIfNaN(v.top5()))
                            .bind(7, nullIfNaN(v.longRangeAccuracy())).add();
                }
                insert.execute();
            }
            for (Flow f : batch.flows()) {
                h.createUpdate("INSERT INTO run_gradient_flow (run_id, iteration, norms) VALUES (?, ?, ?)")
                        .bind(0, runId).bind(1, f.iteration()).bind(2, MetricSeries.encodeFloats(f.norms())).execute();
            }
            for (Spectrum s : batch.spectra()) {
                h.createUpdate("INSERT INTO run_spectrum (run_id, iteration, matrices) VALUES (?, ?, ?)")
                        .bind(0, runId).bind(1, s.iteration()).bind(2, Json.write(s.matrices())).execute();
            }
            h.createUpdate("UPDATE runs SET iterations = ?, total_iterations = ? WHERE id = ?")
                    .bind(0, iterations).bind(1, totalIterations).bind(2, runId).execute();
        });
    }

    private static Double nullIfNaN(double v) {
        return Double.isFinite(v) ? v : null;
    }

    public MetricSeries metrics(String runId) {
        return jdbi.withHandle(h -> metrics(h, runId));
    }

    /** Several runs' series in one connection: what Compare loads. */
    public List<MetricSeries> metrics(List<String> runIds) {
        return jdbi.withHandle(h -> {
            List<MetricSeries> out = new ArrayList<>();
            for (String id : runIds) out.add(metrics(h, id));
            return out;
        });
    }

    private static MetricSeries metrics(Handle h, String runId) {
        List<MetricSeries.Chunk> chunks = h.createQuery(
                        "SELECT first_iteration, row_count, columns, data FROM run_metric_chunks WHERE run_id = ? ORDER BY first_iteration")
                .bind(0, runId)
                .map((rs, ctx) -> new MetricSeries.Chunk(rs.getInt(1), rs.getInt(2),
                        Arrays.asList(Json.read(rs.getString(3), String[].class)), rs.getBytes(4)))
                .list();
        return MetricSeries.decode(chunks);
    }

    public List<Validation> validations(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT iteration, epoch, loss, perplexity, top1, top5, long_range_accuracy "
                        + "FROM run_validation WHERE run_id = ? ORDER BY iteration")
                .bind(0, runId)
                .map((rs, ctx) -> new Validation(rs.getInt(1), rs.getInt(2), number(rs, 3), number(rs, 4), number(rs, 5),
                        number(rs, 6), number(rs, 7)))
                .list());
    }

    private static double number(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    public List<Flow> flows(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT iteration, norms FROM run_gradient_flow WHERE run_id = ? ORDER BY iteration")
                .bind(0, runId).map((rs, ctx) -> new Flow(rs.getInt(1), MetricSeries.decodeFloats(rs.getBytes(2)))).list());
    }

    public List<Spectrum> spectra(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT iteration, matrices FROM run_spectrum WHERE run_id = ? ORDER BY iteration")
                .bind(0, runId).map((rs, ctx) -> new Spectrum(rs.getInt(1), Json.read(rs.getString(2), MATRICES))).list());
    }

    public void saveModel(String runId, List<String> vocabulary, byte[] model) {
        jdbi.useHandle(h -> h.createUpdate("MERGE INTO run_models (run_id, vocabulary, model) KEY (run_id) VALUES (?, ?, ?)")
                .bind(0, runId).bind(1, Json.write(vocabulary)).bind(2, model).execute());
    }

    public Optional<StoredModel> model(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT vocabulary, model FROM run_models WHERE run_id = ?").bind(0, runId)
                .map((rs, ctx) -> new StoredModel(Arrays.asList(Json.read(rs.getString(1), String[].class)), rs.getBytes(2)))
                .findOne());
    }

    /** Removes the run and, by cascade, everything recorded for it. */
    public boolean deleteRun(String runId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM runs WHERE id = ?").bind(0, runId).execute()) == 1;
    }

    public boolean deleteExperiment(String experimentId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM experiments WHERE id = ?").bind(0, experimentId).execute()) == 1;
    }

    /** Row counts per table for one run: what a delete or a concurrency check looks at. */
    public Map<String, Integer> recordCounts(String runId) {
        return jdbi.withHandle(h -> {
            Map<String, Integer> counts = new java.util.LinkedHashMap<>();
            counts.put("metricRows", h.createQuery("SELECT COALESCE(SUM(row_count), 0) FROM run_metric_chunks WHERE run_id = ?")
                    .bind(0, runId).mapTo(Integer.class).one());
            for (String table : List.of("run_validation", "run_gradient_flow", "run_spectrum", "run_models")) {
                counts.put(table, h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE run_id = ?").bind(0, runId)
                        .mapTo(Integer.class).one());
            }
            return counts;
        });
    }
}
