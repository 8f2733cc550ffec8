-- A run's place in the submission order comes from the column's default, so that the store's INSERT is the same SQL
-- on H2 and PostgreSQL (whose schema starts at V11 with the same default: db/migration/postgresql).
ALTER TABLE runs ALTER COLUMN queued_seq SET DEFAULT NEXT VALUE FOR run_queue_seq;
