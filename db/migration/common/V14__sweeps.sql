-- A distance sweep: one grid of (model, distance, seed) cells, each trained as an ordinary one-run experiment. A
-- student's own sweep queues every cell at once; a lab's sweep (one per lab) gives each student who starts it the
-- next cell, chosen under a lock on the sweep's row so that 30 students starting at once get 30 different cells.
CREATE TABLE sweeps (
    id         VARCHAR(32) PRIMARY KEY,
    name       VARCHAR(200) NOT NULL,
    owner      VARCHAR(64) NOT NULL,
    lab        VARCHAR(32) UNIQUE REFERENCES labs(id) ON DELETE CASCADE,
    grid       VARCHAR(8000) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);

-- One point per cell started; experiment_id is null only while its experiment is being submitted.
CREATE TABLE sweep_points (
    sweep_id      VARCHAR(32) NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    ordinal       INT NOT NULL,
    cell          INT NOT NULL,
    owner         VARCHAR(64) NOT NULL,
    experiment_id VARCHAR(32) REFERENCES experiments(id) ON DELETE CASCADE,
    PRIMARY KEY (sweep_id, ordinal)
);
CREATE INDEX sweep_points_by_experiment ON sweep_points(experiment_id);
