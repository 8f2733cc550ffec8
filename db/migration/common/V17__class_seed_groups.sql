-- A lesson in a lab judged over the class: the seed groups started in a lab carry its id, so every member's page reads
-- the class's seeds (one group of five trained once for a class on one seed; one seed per student for an ensemble).
ALTER TABLE seed_groups ADD COLUMN lab_id VARCHAR(32) REFERENCES labs(id) ON DELETE CASCADE;
CREATE INDEX seed_groups_by_lab ON seed_groups(lab_id);
