-- Owner tokens are issued by the server only: a bearer token whose hash is not here is refused (401), so no client
-- names its own identity. issued_to is the client address that asked for it, so anonymous callers are limited per
-- address (their queued runs), not per self-made identity. Owners already stored were issued before this table.

CREATE TABLE issued_tokens (
    owner      VARCHAR(64) PRIMARY KEY,      -- hash of the token, like runs.owner
    issued_to  VARCHAR(64),                  -- the client address it was issued to (null: before this table, or a lab's teacher)
    issued_at  TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);

INSERT INTO issued_tokens (owner)
    SELECT owner FROM experiments UNION SELECT teacher FROM labs UNION SELECT owner FROM lab_participants;

CREATE INDEX issued_tokens_by_address ON issued_tokens(issued_to);
