-- The first migration: a single-row table naming the application, so that an opened
-- database can be recognised as Gradient Lab's. Experiments and runs arrive in V2.
CREATE TABLE app_info (
    name VARCHAR(64) PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);
INSERT INTO app_info (name) VALUES ('gradient-lab');
