package lab.gradient.runs;

import lab.gradient.store.TestPostgres;

/** Every test of {@link RunServiceTest}, on a real PostgreSQL (the shared database of several worker processes). */
class RunServicePostgresTest extends RunServiceTest {
    @Override
    String databaseUrl() {
        return TestPostgres.freshDatabaseUrl();
    }
}
