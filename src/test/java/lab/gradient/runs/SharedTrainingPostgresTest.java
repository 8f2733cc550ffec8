package lab.gradient.runs;

import lab.gradient.store.TestPostgres;

/** Every test of {@link SharedTrainingTest}, on a real PostgreSQL (the shared database of several worker processes). */
class SharedTrainingPostgresTest extends SharedTrainingTest {
    @Override
    String databaseUrl() {
        return TestPostgres.freshDatabaseUrl();
    }
}
