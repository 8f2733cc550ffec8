-- A guided lesson trained on several seeds in one click: each of the group's experiments (the lesson's own and its
-- variants', per seed), its seed, and which variant it is (NULL: the lesson's own experiment).
CREATE TABLE seed_groups (
    experiment_id VARCHAR(32) NOT NULL PRIMARY KEY REFERENCES experiments(id) ON DELETE CASCADE,
    group_id      VARCHAR(32) NOT NULL,
    seed          BIGINT NOT NULL,
    variant       VARCHAR(64)
);
CREATE INDEX seed_groups_by_group ON seed_groups(group_id);
