package lab.gradient.store;

/** Every race of {@link TrainingJoinRaceTest}, on a real PostgreSQL (the database worker processes share). */
class TrainingJoinRacePostgresTest extends TrainingJoinRaceTest {
    @Override
    String databaseUrl() {
        return TestPostgres.freshDatabaseUrl();
    }
}
