-- Classroom labs: a teacher's lab with a short join code, and the students who joined it under a display name.
-- experiments.lab and runs.lab hold the lab's id.

CREATE TABLE labs (
    id            VARCHAR(32) PRIMARY KEY,
    join_code     VARCHAR(16) NOT NULL UNIQUE,
    name          VARCHAR(200) NOT NULL,
    teacher       VARCHAR(64) NOT NULL,       -- hash of the teacher token, like runs.owner
    settings      CLOB NOT NULL,              -- JSON: LabSettings (locked corpus, limits, allowed models)
    max_training_per_student INT NOT NULL,    -- copied out of settings for the queue's SQL
    is_open       BOOLEAN DEFAULT TRUE NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);

CREATE TABLE lab_participants (
    lab_id     VARCHAR(32) NOT NULL REFERENCES labs(id) ON DELETE CASCADE,
    owner      VARCHAR(64) NOT NULL,
    name       VARCHAR(60) NOT NULL,          -- as typed (trimmed)
    name_key   VARCHAR(60) NOT NULL,          -- normalised, case-folded: "Asha" and "asha " are one name
    joined_at  TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (lab_id, owner),
    CONSTRAINT lab_participant_name UNIQUE (lab_id, name_key)
);

CREATE INDEX runs_by_lab ON runs(lab, created_at);
