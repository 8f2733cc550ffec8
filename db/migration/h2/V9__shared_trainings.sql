-- Identical runs train once. A training is what a worker computes: determined by its key (the engine, the corpus,
-- the model and its complete settings, seed included; docs/training-engine.md). A run is one person's view of a
-- training: its own link, owner, lab and cancel; while it follows its training (queued or running) its status,
-- progress and summary are copied from the training in the same statements that change the training. Everything a
-- training records belongs to the training, so deleting one person's run never removes another's data; a training
-- no run refers to any more is deleted with its records.
CREATE TABLE trainings (
    id                  VARCHAR(32) PRIMARY KEY,
    training_key        VARCHAR(64) NOT NULL,   -- hex SHA-256 of the key's canonical JSON
    model               VARCHAR(32) NOT NULL,
    flops_per_iteration DOUBLE PRECISION,
    status              VARCHAR(16) NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE,
    finished_at         TIMESTAMP WITH TIME ZONE,
    iterations          INT DEFAULT 0 NOT NULL,
    total_iterations    INT DEFAULT 0 NOT NULL,
    summary             CLOB,
    error               VARCHAR(2000),
    CONSTRAINT trainings_status CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'diverged', 'interrupted'))
);
CREATE INDEX trainings_by_key ON trainings(training_key, status);

-- every run so far trained alone: its training gets the run's id, and a key of its own that nothing else matches
INSERT INTO trainings (id, training_key, model, flops_per_iteration, status, started_at, finished_at, iterations,
        total_iterations, summary, error)
    SELECT id, 'run:' || id, model, flops_per_iteration, status, started_at, finished_at, iterations, total_iterations,
        summary, error FROM runs;
ALTER TABLE runs ADD COLUMN training_id VARCHAR(32);
UPDATE runs SET training_id = id;
ALTER TABLE runs ALTER COLUMN training_id SET NOT NULL;
ALTER TABLE runs ADD CONSTRAINT runs_training FOREIGN KEY (training_id) REFERENCES trainings(id);
CREATE INDEX runs_by_training ON runs(training_id, status);

CREATE TABLE training_metric_chunks (
    training_id     VARCHAR(32) NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    first_iteration INT NOT NULL,
    row_count       INT NOT NULL,
    columns         VARCHAR(4000) NOT NULL,
    data            VARBINARY(1000000000) NOT NULL,
    PRIMARY KEY (training_id, first_iteration)
);
INSERT INTO training_metric_chunks SELECT run_id, first_iteration, row_count, columns, data FROM run_metric_chunks;
DROP TABLE run_metric_chunks;

CREATE TABLE training_validation (
    training_id VARCHAR(32) NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    iteration   INT NOT NULL,
    epoch       INT NOT NULL,
    loss        DOUBLE PRECISION,
    perplexity  DOUBLE PRECISION,
    top1        DOUBLE PRECISION,
    top5        DOUBLE PRECISION,
    long_range_accuracy DOUBLE PRECISION,
    PRIMARY KEY (training_id, iteration)
);
INSERT INTO training_validation SELECT run_id, iteration, epoch, loss, perplexity, top1, top5, long_range_accuracy FROM run_validation;
DROP TABLE run_validation;

CREATE TABLE training_gradient_flow (
    training_id VARCHAR(32) NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    iteration   INT NOT NULL,
    norms       VARBINARY(100000) NOT NULL,
    PRIMARY KEY (training_id, iteration)
);
INSERT INTO training_gradient_flow SELECT run_id, iteration, norms FROM run_gradient_flow;
DROP TABLE run_gradient_flow;

CREATE TABLE training_spectrum (
    training_id VARCHAR(32) NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    iteration   INT NOT NULL,
    matrices    VARCHAR(4000) NOT NULL,
    PRIMARY KEY (training_id, iteration)
);
INSERT INTO training_spectrum SELECT run_id, iteration, matrices FROM run_spectrum;
DROP TABLE run_spectrum;

CREATE TABLE training_models (
    training_id VARCHAR(32) PRIMARY KEY REFERENCES trainings(id) ON DELETE CASCADE,
    vocabulary  CLOB NOT NULL,
    model       BLOB NOT NULL
);
INSERT INTO training_models SELECT run_id, vocabulary, model FROM run_models;
DROP TABLE run_models;

CREATE TABLE training_checkpoints (
    training_id VARCHAR(32) PRIMARY KEY REFERENCES trainings(id) ON DELETE CASCADE,
    iteration   INT NOT NULL,
    epoch       INT NOT NULL,
    position    INT NOT NULL,
    seconds     DOUBLE PRECISION NOT NULL,
    summary     CLOB NOT NULL,
    state       BLOB NOT NULL
);
INSERT INTO training_checkpoints SELECT run_id, iteration, epoch, position, seconds, summary, state FROM run_checkpoints;
DROP TABLE run_checkpoints;
