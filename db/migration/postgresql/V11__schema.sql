-- The schema on PostgreSQL: what db/migration/h2 V1–V11 build on H2, in one script (a PostgreSQL database starts
-- here; nothing older ever lived on one). Types: CLOB → TEXT, BLOB and VARBINARY → BYTEA. Migrations from V12 on are
-- written once, for both, in db/migration/common. DatabaseSchemaTest compares the two schemas column by column.
CREATE TABLE app_info (
    name VARCHAR(64) PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);
INSERT INTO app_info (name) VALUES ('gradient-lab');

CREATE TABLE experiments (
    id          VARCHAR(32) PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    owner       VARCHAR(64) NOT NULL,
    lab         VARCHAR(32),
    corpus      TEXT NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    lesson      VARCHAR(32)
);

CREATE TABLE trainings (
    id                  VARCHAR(32) PRIMARY KEY,
    training_key        VARCHAR(64) NOT NULL,
    model               VARCHAR(32) NOT NULL,
    flops_per_iteration DOUBLE PRECISION,
    status              VARCHAR(16) NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE,
    finished_at         TIMESTAMP WITH TIME ZONE,
    iterations          INT DEFAULT 0 NOT NULL,
    total_iterations    INT DEFAULT 0 NOT NULL,
    summary             TEXT,
    error               VARCHAR(2000),
    stop_requested      BOOLEAN DEFAULT FALSE NOT NULL,
    CONSTRAINT trainings_status CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'diverged', 'interrupted'))
);
CREATE INDEX trainings_by_key ON trainings(training_key, status);

CREATE SEQUENCE run_queue_seq;
CREATE TABLE runs (
    id             VARCHAR(32) PRIMARY KEY,
    experiment_id  VARCHAR(32) NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    arm            INT NOT NULL,
    model          VARCHAR(32) NOT NULL,
    settings       TEXT NOT NULL,
    owner          VARCHAR(64) NOT NULL,
    lab            VARCHAR(32),
    status         VARCHAR(16) NOT NULL,
    queued_seq     BIGINT DEFAULT nextval('run_queue_seq') NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE,
    finished_at    TIMESTAMP WITH TIME ZONE,
    iterations     INT DEFAULT 0 NOT NULL,
    total_iterations INT DEFAULT 0 NOT NULL,
    summary        TEXT,
    error          VARCHAR(2000),
    cancelled_by   VARCHAR(16),
    flops_per_iteration DOUBLE PRECISION,
    training_id    VARCHAR(32) NOT NULL,
    CONSTRAINT runs_status CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'diverged', 'interrupted')),
    CONSTRAINT runs_training FOREIGN KEY (training_id) REFERENCES trainings(id)
);
CREATE INDEX runs_by_status ON runs(status, queued_seq);
CREATE INDEX runs_by_owner ON runs(owner, created_at);
CREATE INDEX runs_by_experiment ON runs(experiment_id);
CREATE INDEX runs_by_lab ON runs(lab, created_at);
CREATE INDEX runs_by_training ON runs(training_id, status);

CREATE TABLE training_metric_chunks (
    training_id     VARCHAR(32) NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    first_iteration INT NOT NULL,
    row_count       INT NOT NULL,
    columns         VARCHAR(4000) NOT NULL,
    data            BYTEA NOT NULL,
    PRIMARY KEY (training_id, first_iteration)
);

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

CREATE TABLE training_gradient_flow (
    training_id VARCHAR(32) NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    iteration   INT NOT NULL,
    norms       BYTEA NOT NULL,
    PRIMARY KEY (training_id, iteration)
);

CREATE TABLE training_spectrum (
    training_id VARCHAR(32) NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    iteration   INT NOT NULL,
    matrices    VARCHAR(4000) NOT NULL,
    PRIMARY KEY (training_id, iteration)
);

CREATE TABLE training_models (
    training_id VARCHAR(32) PRIMARY KEY REFERENCES trainings(id) ON DELETE CASCADE,
    vocabulary  TEXT NOT NULL,
    model       BYTEA NOT NULL
);

CREATE TABLE training_checkpoints (
    training_id VARCHAR(32) PRIMARY KEY REFERENCES trainings(id) ON DELETE CASCADE,
    iteration   INT NOT NULL,
    epoch       INT NOT NULL,
    position    INT NOT NULL,
    seconds     DOUBLE PRECISION NOT NULL,
    summary     TEXT NOT NULL,
    state       BYTEA NOT NULL
);

CREATE TABLE labs (
    id            VARCHAR(32) PRIMARY KEY,
    join_code     VARCHAR(16) NOT NULL UNIQUE,
    name          VARCHAR(200) NOT NULL,
    teacher       VARCHAR(64) NOT NULL,
    settings      TEXT NOT NULL,
    max_training_per_student INT NOT NULL,
    is_open       BOOLEAN DEFAULT TRUE NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);

CREATE TABLE lab_participants (
    lab_id     VARCHAR(32) NOT NULL REFERENCES labs(id) ON DELETE CASCADE,
    owner      VARCHAR(64) NOT NULL,
    name       VARCHAR(60) NOT NULL,
    name_key   VARCHAR(60) NOT NULL,
    joined_at  TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (lab_id, owner),
    CONSTRAINT lab_participant_name UNIQUE (lab_id, name_key)
);

CREATE TABLE issued_tokens (
    owner      VARCHAR(64) PRIMARY KEY,
    issued_to  VARCHAR(64),
    issued_at  TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);
CREATE INDEX issued_tokens_by_address ON issued_tokens(issued_to);
