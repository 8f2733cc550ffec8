package lab.gradient.labs;

import lab.gradient.store.TestPostgres;

/** A lab's fair share of the server, as {@link LabQueueTest}, on a real PostgreSQL. */
class LabQueuePostgresTest extends LabQueueTest {
    @Override
    String databaseUrl() {
        return TestPostgres.freshDatabaseUrl();
    }
}
