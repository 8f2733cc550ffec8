-- Who cancelled a run, so its page can say so: 'owner' (the student or whoever started it) or 'teacher' (of its lab).
ALTER TABLE runs ADD COLUMN cancelled_by VARCHAR(16);
