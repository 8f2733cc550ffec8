-- Where a training run stood, so a run interrupted by a crash, kill or restart goes on from there instead of being
-- lost: one row per run, replaced at each checkpoint (lab.gradient.training.Checkpoint).

CREATE TABLE run_checkpoints (
    run_id     VARCHAR(32) PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    iteration  INT NOT NULL,
    epoch      INT NOT NULL,
    position   INT NOT NULL,               -- the next window in the epoch's shuffled order
    seconds    DOUBLE PRECISION NOT NULL,  -- training time so far (the run's budget counts on from it)
    summary    CLOB NOT NULL,              -- JSON: the running numbers of the run's summary
    state      BLOB NOT NULL               -- parameters and the optimizer's state (ND4J arrays)
);
