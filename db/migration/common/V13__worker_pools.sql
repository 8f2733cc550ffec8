-- Every process that trains (a web server with workers, a worker process) says here how many runs it trains at once,
-- and renews its row with its leases. The queue's forecast counts the workers of the rows still live, so a web server
-- that trains nothing itself still tells a waiting student their place and start time.
CREATE TABLE worker_pools (
    id VARCHAR(100) PRIMARY KEY,
    workers INT NOT NULL,
    seen_until TIMESTAMP WITH TIME ZONE NOT NULL
);
