-- The line a waiting run stands in (runs/FairLine). Places are taken at the end of the line and served in order, so a
-- place only ever moves forward: a student who arrives later stands behind. A student holds one place at a time, taken
-- for their next run when they may start it.
ALTER TABLE runs ADD COLUMN line_seq BIGINT;
CREATE INDEX runs_by_line ON runs(line_seq);
