package lab.gradient.sweeps;

import lab.gradient.store.TestPostgres;

/** Every test of {@link SweepServiceTest} on a real PostgreSQL: the cell claim's row lock is the shared database's. */
class SweepServicePostgresTest extends SweepServiceTest {
    @Override
    String databaseUrl() {
        return TestPostgres.freshDatabaseUrl();
    }
}
