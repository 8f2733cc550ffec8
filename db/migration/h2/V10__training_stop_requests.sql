-- A running training whose last follower left is asked to stop; until its worker ends it after the current step it
-- is still "running", and a new identical submission must not join it (its run would end cancelled with it). The
-- request lives in the database so that a worker in another process can see it too.
ALTER TABLE trainings ADD COLUMN stop_requested BOOLEAN DEFAULT FALSE NOT NULL;
