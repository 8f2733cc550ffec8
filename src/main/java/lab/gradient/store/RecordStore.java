package lab.gradient.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.gradient.model.Flow;
import lab.gradient.model.Json;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Spectrum;
import lab.gradient.model.Validation;
import lab.gradient.training.Checkpoint;
import lab.gradient.training.RecurrentSpectrum;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * What a training recorded: its metric rows, evaluations, gradient-flow probes and spectra, its checkpoint and its
 * trained model. Every write goes through only while the writing worker holds the training's lease
 * ({@link RunStore#holding}); every read by run id goes through the run's training. Each table's rows are mapped once.
 */
public final class RecordStore {
    private final Jdbi jdbi;

    RecordStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public record StoredModel(List<String> vocabulary, byte[] model) {}

    /** One flush's worth of a run's records, written in one transaction. */
    public record Batch(List<String> columns, int firstIteration, List<float[]> rows, List<Validation> validations,
            List<Flow> flows, List<Spectrum> spectra) {
        public boolean isEmpty() {
            return rows.isEmpty() && validations.isEmpty() && flows.isEmpty() && spectra.isEmpty();
        }
    }

    private static final TypeReference<Map<String, RecurrentSpectrum.Values>> MATRICES = new TypeReference<>() {};

    /** Replaces the training's checkpoint. */
    public void saveCheckpoint(QueueStore.Lease lease, Checkpoint c) {
        String trainingId = lease.trainingId();
        jdbi.useTransaction(h -> {
            QueueStore.holding(h, lease);
            h.createUpdate("DELETE FROM training_checkpoints WHERE training_id = ?").bind(0, trainingId).execute();
            h.createUpdate("INSERT INTO training_checkpoints (training_id, iteration, epoch, position, seconds, summary, state) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, trainingId).bind(1, c.iteration()).bind(2, c.epoch()).bind(3, c.position()).bind(4, c.seconds())
                    .bind(5, c.summary()).bind(6, c.state()).execute();
        });
    }

    /** The iteration of the training's checkpoint, without its state. */
    public Optional<Integer> checkpointIteration(String trainingId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT iteration FROM training_checkpoints WHERE training_id = ?").bind(0, trainingId)
                .mapTo(Integer.class).findOne());
    }

    public Optional<Checkpoint> checkpoint(String trainingId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT iteration, epoch, position, seconds, summary, state FROM training_checkpoints "
                        + "WHERE training_id = ?")
                .bind(0, trainingId)
                .map((rs, ctx) -> new Checkpoint(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getDouble(4), rs.getString(5), rs.getBytes(6)))
                .findOne());
    }

    /**
     * Forgets what a training recorded after {@code iteration} (its checkpoint): the steps it takes again on resuming
     * are recorded once. The recorder writes everything up to a checkpoint before saving it, so no chunk spans it.
     */
    public void truncateAfter(QueueStore.Lease lease, int iteration) {
        String trainingId = lease.trainingId();
        jdbi.useTransaction(h -> {
            QueueStore.holding(h, lease);
            for (String table : List.of("training_validation", "training_gradient_flow", "training_spectrum")) {
                h.createUpdate("DELETE FROM " + table + " WHERE training_id = ? AND iteration > ?").bind(0, trainingId).bind(1, iteration).execute();
            }
            h.createUpdate("DELETE FROM training_metric_chunks WHERE training_id = ? AND first_iteration > ?").bind(0, trainingId)
                    .bind(1, iteration).execute();
            h.createUpdate("UPDATE trainings SET iterations = ? WHERE id = ?").bind(0, iteration).bind(1, trainingId).execute();
            h.createUpdate("UPDATE runs SET iterations = ? WHERE training_id = ? AND status IN ('queued', 'running')")
                    .bind(0, iteration).bind(1, trainingId).execute();
        });
    }

    /** One flush of a training's records; its progress, and that of the runs following it. */
    public void append(QueueStore.Lease lease, Batch batch, int iterations, int totalIterations) {
        String trainingId = lease.trainingId();
        jdbi.useTransaction(h -> {
            QueueStore.holding(h, lease);
            if (!batch.rows().isEmpty()) {
                h.createUpdate("INSERT INTO training_metric_chunks (training_id, first_iteration, row_count, columns, data) VALUES (?, ?, ?, ?, ?)")
                        .bind(0, trainingId).bind(1, batch.firstIteration()).bind(2, batch.rows().size())
                        .bind(3, Json.write(batch.columns())).bind(4, MetricSeries.encode(batch.columns(), batch.rows())).execute();
            }
            if (!batch.validations().isEmpty()) {
                PreparedBatch insert = h.prepareBatch("INSERT INTO training_validation (training_id, iteration, epoch, loss, perplexity, top1, top5, "
                        + "long_range_accuracy) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                for (Validation v : batch.validations()) {
                    insert.bind(0, trainingId).bind(1, v.iteration()).bind(2, v.epoch()).bind(3, nullIfNaN(v.loss()))
                            .bind(4, nullIfNaN(v.perplexity())).bind(5, nullIfNaN(v.top1())).bind(6, nullIfNaN(v.top5()))
                            .bind(7, nullIfNaN(v.longRangeAccuracy())).add();
                }
                insert.execute();
            }
            for (Flow f : batch.flows()) {
                h.createUpdate("INSERT INTO training_gradient_flow (training_id, iteration, norms) VALUES (?, ?, ?)")
                        .bind(0, trainingId).bind(1, f.iteration()).bind(2, MetricSeries.encodeFloats(f.norms())).execute();
            }
            for (Spectrum s : batch.spectra()) {
                h.createUpdate("INSERT INTO training_spectrum (training_id, iteration, matrices) VALUES (?, ?, ?)")
                        .bind(0, trainingId).bind(1, s.iteration()).bind(2, Json.write(s.matrices())).execute();
            }
            h.createUpdate("UPDATE trainings SET iterations = ?, total_iterations = ? WHERE id = ?")
                    .bind(0, iterations).bind(1, totalIterations).bind(2, trainingId).execute();
            h.createUpdate("UPDATE runs SET iterations = ?, total_iterations = ? WHERE training_id = ? AND status = 'running'")
                    .bind(0, iterations).bind(1, totalIterations).bind(2, trainingId).execute();
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
                        "SELECT first_iteration, row_count, columns, data FROM training_metric_chunks WHERE " + OF_RUN + " ORDER BY first_iteration")
                .bind(0, runId)
                .map(RecordStore::chunk)
                .list();
        return MetricSeries.decode(chunks);
    }

    /** One row of {@code SELECT first_iteration, row_count, columns, data FROM training_metric_chunks}. */
    private static MetricSeries.Chunk chunk(ResultSet rs, StatementContext ctx) throws SQLException {
        return new MetricSeries.Chunk(rs.getInt(1), rs.getInt(2), Arrays.asList(Json.read(rs.getString(3), String[].class)), rs.getBytes(4));
    }

    /** What the tables below are read by: a run's training (every record belongs to the training it shares). */
    private static final String OF_RUN = "training_id = (SELECT training_id FROM runs WHERE id = ?)";
    private static final String VALIDATION = "SELECT iteration, epoch, loss, perplexity, top1, top5, long_range_accuracy FROM training_validation";
    private static final String FLOW = "SELECT iteration, norms FROM training_gradient_flow";
    private static final String SPECTRUM = "SELECT iteration, matrices FROM training_spectrum";

    public List<Validation> validations(String runId) {
        return jdbi.withHandle(h -> h.createQuery(VALIDATION + " WHERE " + OF_RUN + " ORDER BY iteration").bind(0, runId)
                .map(RecordStore::validation).list());
    }

    public List<Flow> flows(String runId) {
        return jdbi.withHandle(h -> h.createQuery(FLOW + " WHERE " + OF_RUN + " ORDER BY iteration").bind(0, runId).map(RecordStore::flow).list());
    }

    public List<Spectrum> spectra(String runId) {
        return jdbi.withHandle(h -> h.createQuery(SPECTRUM + " WHERE " + OF_RUN + " ORDER BY iteration").bind(0, runId)
                .map(RecordStore::spectrum).list());
    }

    /** A training's records after iteration {@code after} (metric rows, validations, probes and spectra), in one read. */
    public record Records(MetricSeries metrics, List<Validation> validations, List<Flow> flows, List<Spectrum> spectra) {}

    public Records recordsAfter(String trainingId, int after) {
        return jdbi.withHandle(h -> {
            MetricSeries metrics = MetricSeries.decode(h.createQuery("SELECT first_iteration, row_count, columns, data "
                            + "FROM training_metric_chunks WHERE training_id = ? AND first_iteration + row_count > ? ORDER BY first_iteration")
                    .bind(0, trainingId).bind(1, after + 1)
                    .map(RecordStore::chunk)
                    .list());
            String since = " WHERE training_id = ? AND iteration > ? ORDER BY iteration";
            return new Records(metrics, h.createQuery(VALIDATION + since).bind(0, trainingId).bind(1, after).map(RecordStore::validation).list(),
                    h.createQuery(FLOW + since).bind(0, trainingId).bind(1, after).map(RecordStore::flow).list(),
                    h.createQuery(SPECTRUM + since).bind(0, trainingId).bind(1, after).map(RecordStore::spectrum).list());
        });
    }

    private static Validation validation(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Validation(rs.getInt(1), rs.getInt(2), number(rs, 3), number(rs, 4), number(rs, 5), number(rs, 6), number(rs, 7));
    }

    private static Flow flow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Flow(rs.getInt(1), MetricSeries.decodeFloats(rs.getBytes(2)));
    }

    private static Spectrum spectrum(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Spectrum(rs.getInt(1), Json.read(rs.getString(2), MATRICES));
    }

    /** A stored NULL (a NaN when written) is NaN again. */
    private static double number(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    public void saveModel(QueueStore.Lease lease, List<String> vocabulary, byte[] model) {
        String trainingId = lease.trainingId();
        jdbi.useTransaction(h -> {
            QueueStore.holding(h, lease);
            h.createUpdate("DELETE FROM training_models WHERE training_id = ?").bind(0, trainingId).execute();
            h.createUpdate("INSERT INTO training_models (training_id, vocabulary, model) VALUES (?, ?, ?)")
                    .bind(0, trainingId).bind(1, Json.write(vocabulary)).bind(2, model).execute();
        });
    }

    public Optional<StoredModel> model(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT vocabulary, model FROM training_models WHERE " + OF_RUN).bind(0, runId)
                .map((rs, ctx) -> new StoredModel(Arrays.asList(Json.read(rs.getString(1), String[].class)), rs.getBytes(2)))
                .findOne());
    }

    /** Row counts per table of one run's training: what a delete or a concurrency check looks at. */
    public Map<String, Integer> recordCounts(String runId) {
        return jdbi.withHandle(h -> {
            Map<String, Integer> counts = new java.util.LinkedHashMap<>();
            counts.put("metricRows", h.createQuery("SELECT COALESCE(SUM(row_count), 0) FROM training_metric_chunks WHERE " + OF_RUN)
                    .bind(0, runId).mapTo(Integer.class).one());
            for (String table : List.of("training_validation", "training_gradient_flow", "training_spectrum", "training_models")) {
                counts.put(table, h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE " + OF_RUN).bind(0, runId)
                        .mapTo(Integer.class).one());
            }
            return counts;
        });
    }
}
