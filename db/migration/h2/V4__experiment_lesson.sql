-- The guided lesson an experiment was started from (its id in the lessons catalogue), or NULL.
ALTER TABLE experiments ADD COLUMN lesson VARCHAR(32);
