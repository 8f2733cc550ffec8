-- Workers in other processes (on other machines) train from the same database. A worker holds a lease on each
-- training it runs and renews it; a training whose lease ran out lost its worker (killed, machine gone) and is
-- resumed from its checkpoint or becomes interrupted (RunStore.recoverExpired). Times are the database's clock, so
-- the machines' clocks need not agree.
ALTER TABLE trainings ADD COLUMN worker VARCHAR(100);
ALTER TABLE trainings ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;

-- One row that every claim locks (SELECT … FOR UPDATE): the fair order depends on every student's running runs, so
-- claims are taken one at a time across all processes. A claim holds it for a few milliseconds.
CREATE TABLE queue_lock (
    id INT PRIMARY KEY
);
INSERT INTO queue_lock (id) VALUES (1);
