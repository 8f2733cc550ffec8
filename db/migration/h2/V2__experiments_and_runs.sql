-- Experiments, runs and everything a run records. Series are stored compactly: per-iteration metrics as
-- column-wise float32 chunks (one row per flush), gradient-flow profiles as float32 arrays.

CREATE TABLE experiments (
    id          VARCHAR(32) PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    owner       VARCHAR(64) NOT NULL,
    lab         VARCHAR(32),
    corpus      CLOB NOT NULL,          -- JSON: {"text": …} or {"preset": …, "distance": …}
    created_at  TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);

CREATE TABLE runs (
    id             VARCHAR(32) PRIMARY KEY,
    experiment_id  VARCHAR(32) NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    arm            INT NOT NULL,
    model          VARCHAR(32) NOT NULL,
    settings       CLOB NOT NULL,       -- JSON: the effective TrainingSettings
    owner          VARCHAR(64) NOT NULL,
    lab            VARCHAR(32),
    status         VARCHAR(16) NOT NULL,
    queued_seq     BIGINT NOT NULL,     -- submission order, for fair round-robin
    created_at     TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE,
    finished_at    TIMESTAMP WITH TIME ZONE,
    iterations     INT DEFAULT 0 NOT NULL,
    total_iterations INT DEFAULT 0 NOT NULL,
    summary        CLOB,                -- JSON: TrainingResult.Summary
    error          VARCHAR(2000),
    CONSTRAINT runs_status CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'diverged', 'interrupted'))
);
CREATE INDEX runs_by_status ON runs(status, queued_seq);
CREATE INDEX runs_by_owner ON runs(owner, created_at);
CREATE INDEX runs_by_experiment ON runs(experiment_id);
CREATE SEQUENCE run_queue_seq;

-- One row per flush: columns is the JSON list of series names, data holds them column by column as float32.
CREATE TABLE run_metric_chunks (
    run_id          VARCHAR(32) NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    first_iteration INT NOT NULL,
    row_count       INT NOT NULL,
    columns         VARCHAR(4000) NOT NULL,
    data            VARBINARY(1000000000) NOT NULL,
    PRIMARY KEY (run_id, first_iteration)
);

CREATE TABLE run_validation (
    run_id      VARCHAR(32) NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration   INT NOT NULL,
    epoch       INT NOT NULL,
    loss        DOUBLE PRECISION,
    perplexity  DOUBLE PRECISION,
    top1        DOUBLE PRECISION,
    top5        DOUBLE PRECISION,
    long_range_accuracy DOUBLE PRECISION,
    PRIMARY KEY (run_id, iteration)
);

CREATE TABLE run_gradient_flow (
    run_id     VARCHAR(32) NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration  INT NOT NULL,
    norms      VARBINARY(100000) NOT NULL,   -- float32 g(0) … g(T-1)
    PRIMARY KEY (run_id, iteration)
);

CREATE TABLE run_spectrum (
    run_id     VARCHAR(32) NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration  INT NOT NULL,
    matrices   VARCHAR(4000) NOT NULL,       -- JSON: name → {spectralRadius, largestSingularValue}
    PRIMARY KEY (run_id, iteration)
);

-- The trained model (DL4J ModelSerializer zip) and its vocabulary, so prediction survives a restart.
CREATE TABLE run_models (
    run_id      VARCHAR(32) PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    vocabulary  CLOB NOT NULL,                -- JSON list of words, by id
    model       BLOB NOT NULL
);
