package lab.gradient.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.gradient.model.Experiment;
import lab.gradient.model.Json;
import lab.gradient.model.ListedRun;
import lab.gradient.model.Run;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.TrainingResult;
import lab.gradient.training.TrainingSettings;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * All SQL about experiments, runs and their trainings. Every value is a bound parameter.
 *
 * <p>A training is what a worker computes, once for all runs with the same key (V9); a run is one person's view of
 * it. A run follows its training while it is queued or running: every statement that changes a training's status or
 * progress changes its following runs' in the same transaction, so a run reads as if it had trained alone. Records
 * (metrics, probes, the model, checkpoints) belong to the training and are kept by {@link RecordStore}; reads by run id
 * go through the run's training.
 */
public final class RunStore {

    static final String RUN_COLUMNS = "id, experiment_id, arm, model, settings, owner, lab, status, created_at, "
            + "started_at, finished_at, iterations, total_iterations, summary, error, cancelled_by, flops_per_iteration, training_id";
    /** Queries that select more than a run read their extra columns after these: at {@code RUN_COLUMN_COUNT + 1} on. */
    static final int RUN_COLUMN_COUNT = RUN_COLUMNS.split(",").length;

    private final Jdbi jdbi;
    private final boolean embedded;

    private final RecordStore records;
    private final QueueStore queue;

    public RunStore(Database database) {
        this.jdbi = database.jdbi();
        this.embedded = database.vendor().isEmbedded();
        this.records = new RecordStore(jdbi);
        this.queue = new QueueStore(jdbi);
    }

    /** The queue, its claims, leases and worker pools, in its own class: {@link QueueStore}. */
    public QueueStore queue() {
        return queue;
    }

    /** What the trainings recorded (metrics, probes, checkpoints, models), in its own class: {@link RecordStore}. */
    public RecordStore records() {
        return records;
    }

    /** Training statuses a new identical run may share: still to come, or a result (a divergence is one too). */
    static final String SHAREABLE = "('queued', 'running', 'completed', 'diverged')";

    /** An experiment to store with its runs, run i on the training with key {@code trainingKeys.get(i)}. */
    public record NewExperiment(Experiment experiment, List<Run> runs, List<String> trainingKeys) {}

    /** What another store writes in the same transaction as experiments: a sweep and its points. */
    public interface Alongside {
        Alongside NOTHING = (h, experimentIds) -> { };

        void store(Handle h, List<String> experimentIds);
    }

    public void insertExperiment(Experiment experiment, List<Run> runs, List<String> trainingKeys) {
        insertExperiments(List.of(new NewExperiment(experiment, runs, trainingKeys)), Alongside.NOTHING);
    }

    /**
     * Stores experiments and their runs, and what {@code alongside} adds, in one transaction: all of it or none. Each run
     * joins the training with its key if one is queued, running or finished with a result (it then reads that
     * training's status, progress and summary); otherwise a new training is queued for it, under the run's own id.
     */
    public void insertExperiments(List<NewExperiment> experiments, Alongside alongside) {
        jdbi.useTransaction(h -> {
            // the trainings to join, locked in one order (no two submissions wait on each other): a claim, finish or
            // recovery of one of them waits until these runs are stored, or has committed before they read its status,
            // so a statement that moves a training's runs never misses one joining it
            Map<String, Optional<String>> joined = new java.util.TreeMap<>();
            for (NewExperiment e : experiments) for (String key : e.trainingKeys()) joined.put(key, Optional.empty());
            for (String key : joined.keySet()) {
                joined.put(key, h.createQuery("SELECT id FROM trainings WHERE training_key = ? AND status IN " + SHAREABLE
                                + " AND NOT stop_requested ORDER BY started_at, id LIMIT 1 FOR UPDATE")
                        .bind(0, key).mapTo(String.class).findOne());
            }
            for (NewExperiment e : experiments) insertExperiment(h, e, joined);
            alongside.store(h, experiments.stream().map(e -> e.experiment().id()).toList());
        });
    }

    private static void insertExperiment(Handle h, NewExperiment e, Map<String, Optional<String>> joined) {
        Experiment experiment = e.experiment();
        h.createUpdate("INSERT INTO experiments (id, name, owner, lab, corpus, lesson) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, experiment.id()).bind(1, experiment.name()).bind(2, experiment.owner())
                .bind(3, experiment.lab()).bind(4, Json.write(experiment.corpus())).bind(5, experiment.lesson()).execute();
        for (int i = 0; i < e.runs().size(); i++) {
            Run run = e.runs().get(i);
            String key = e.trainingKeys().get(i);
            Double flops = Double.isFinite(run.flopsPerIteration()) ? run.flopsPerIteration() : null;
            Optional<String> shared = joined.get(key);
            String training = shared.orElse(run.id());
            if (shared.isEmpty()) {
                joined.put(key, Optional.of(training)); // a later run with this key (another arm, another point) joins it
                h.createUpdate("INSERT INTO trainings (id, training_key, model, flops_per_iteration, status, total_iterations) "
                                + "VALUES (?, ?, ?, ?, 'queued', ?)")
                        .bind(0, training).bind(1, key).bind(2, run.model()).bind(3, flops)
                        .bind(4, run.totalIterations()).execute();
            }
            // the run reads as its training does now: a finished one's result at once, a running one's progress
            h.createUpdate("INSERT INTO runs (id, experiment_id, arm, model, settings, owner, lab, status, "
                            + "total_iterations, flops_per_iteration, training_id, iterations, started_at, finished_at, summary, error) "
                            + "SELECT ?, ?, ?, ?, ?, ?, ?, t.status, t.total_iterations, ?, t.id, "
                            + "t.iterations, CASE WHEN t.status = 'queued' THEN NULL ELSE CURRENT_TIMESTAMP END, "
                            + "CASE WHEN t.status IN ('queued', 'running') THEN NULL ELSE CURRENT_TIMESTAMP END, t.summary, t.error "
                            + "FROM trainings t WHERE t.id = ?")
                    .bind(0, run.id()).bind(1, experiment.id()).bind(2, run.arm()).bind(3, run.model())
                    .bind(4, Json.write(run.settings())).bind(5, run.owner()).bind(6, run.lab()).bind(7, flops)
                    .bind(8, training).execute();
        }
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

    /** A page of an owner's runs, newest first, narrowed by any of model, status, lab and experiment name. */
    public List<ListedRun> findRuns(String owner, String model, String status, String lab, String nameContains, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS.replaceAll("(^|, )", "$1r.") + ", e.name, e.corpus"
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
            return query.map((rs, ctx) -> new ListedRun(mapRun(rs), rs.getString(RUN_COLUMN_COUNT + 1),
                    isLongRange(rs.getString(RUN_COLUMN_COUNT + 2)))).list();
        });
    }

    /** Whether an experiment's stored sentences are the long-range task. */
    static boolean isLongRange(String corpusJson) {
        return corpusJson != null && Json.read(corpusJson, CorpusSpec.class).isLongRange();
    }

    static Run mapRun(java.sql.ResultSet rs) throws java.sql.SQLException {
        String summary = rs.getString(14);
        return new Run(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), Json.read(rs.getString(5), TrainingSettings.class),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getObject(9, OffsetDateTime.class), rs.getObject(10, OffsetDateTime.class),
                rs.getObject(11, OffsetDateTime.class), rs.getInt(12), rs.getInt(13),
                summary == null ? null : Json.read(summary, TrainingResult.Summary.class), rs.getString(15), rs.getString(16),
                rs.getObject(17) == null ? Double.NaN : rs.getDouble(17), rs.getString(18));
    }

    /** Notes who asked to cancel a run that has not ended ("owner" or "teacher"). */
    public void markCancelledBy(String runId, String who) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE runs SET cancelled_by = ? WHERE id = ? AND status IN ('queued', 'running')")
                .bind(0, who).bind(1, runId).execute());
    }

    /** True when only this process opens the database (embedded H2): no worker elsewhere shares its runs. */
    public boolean isEmbedded() {
        return embedded;
    }

    /**
     * Deletes runs (by {@code deleteRuns}) and then each of their trainings no run refers to any more, with everything it
     * recorded (by cascade). The trainings' rows are locked first, in one order, as a worker's writes lock them (the
     * training, then its runs): deleting the runs first and the training after deadlocked with a worker appending to
     * that training at the same moment (a 500 for the delete).
     */
    private boolean deleteWithTrainings(String trainingsOf, String id, String deleteRuns) {
        return jdbi.inTransaction(h -> {
            List<String> trainings = h.createQuery("SELECT DISTINCT training_id FROM runs WHERE " + trainingsOf + " = ? ORDER BY training_id")
                    .bind(0, id).mapTo(String.class).list();
            for (String training : trainings) {
                h.createQuery("SELECT id FROM trainings WHERE id = ? FOR UPDATE").bind(0, training).mapTo(String.class).findOne();
            }
            boolean deleted = h.createUpdate(deleteRuns).bind(0, id).execute() == 1;
            for (String training : trainings) {
                h.createUpdate("DELETE FROM trainings WHERE id = ? AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.training_id = trainings.id)")
                        .bind(0, training).execute();
            }
            return deleted;
        });
    }

    /** Removes the run, and its training with every record if no other run shares it. */
    public boolean deleteRun(String runId) {
        return deleteWithTrainings("id", runId, "DELETE FROM runs WHERE id = ?");
    }

    public boolean deleteExperiment(String experimentId) {
        return deleteWithTrainings("experiment_id", experimentId, "DELETE FROM experiments WHERE id = ?");
    }

}
