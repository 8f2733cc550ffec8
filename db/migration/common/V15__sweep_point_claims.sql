-- When a class sweep's cell was given to a student: a point whose experiment never arrived (its process died between
-- the claim and the submission) stops counting as started a minute after it was claimed.
ALTER TABLE sweep_points ADD COLUMN claimed_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL;
