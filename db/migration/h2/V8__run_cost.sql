-- A run's estimated floating-point work per training step (training.Cost), known at submission: with the times of
-- the runs this server finished, it estimates how long a run will take before it has timed its own steps.
ALTER TABLE runs ADD COLUMN flops_per_iteration DOUBLE PRECISION;
