-- The line a waiting run stands in. Each owner (per lab) holds at most one place at a time, taken when they may start a
-- run (under their caps) in the order the line was joined, so a place in line only ever moves forward: a student who
-- arrives later stands behind, and takes the next place of their own only when their run starts or ends.
ALTER TABLE runs ADD COLUMN line_seq BIGINT;
CREATE INDEX runs_by_line ON runs(line_seq);
