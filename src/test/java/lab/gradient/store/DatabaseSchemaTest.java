package lab.gradient.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * H2 builds its schema from its own history (db/migration/h2, V1 on) and PostgreSQL from one script of the same
 * state (db/migration/postgresql); both then take the migrations in db/migration/common. The two must end equal:
 * the same tables, columns, types (CLOB is TEXT, BLOB and VARBINARY are BYTEA) and nullability.
 */
class DatabaseSchemaTest {
    /** H2's type names as PostgreSQL spells the same thing. */
    static final Map<String, String> SAME_TYPE = Map.of(
            "character large object", "text",
            "binary large object", "bytea",
            "binary varying", "bytea");

    static Set<String> columns(String url, String schema) {
        try (Database db = Database.open(url)) {
            return db.jdbi().withHandle(h -> h.createQuery("SELECT table_name, column_name, data_type, is_nullable "
                            + "FROM information_schema.columns WHERE table_schema = ? AND LOWER(table_name) <> 'flyway_schema_history'")
                    .bind(0, schema)
                    .map((rs, ctx) -> {
                        String type = rs.getString(3).toLowerCase(Locale.ROOT);
                        return (rs.getString(1) + "." + rs.getString(2)).toLowerCase(Locale.ROOT) + " "
                                + SAME_TYPE.getOrDefault(type, type) + (rs.getString(4).equals("YES") ? " null" : " not null");
                    })
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        }
    }

    @Test
    void h2AndPostgresqlEndWithTheSameSchema() {
        Set<String> h2 = columns("jdbc:h2:mem:schema-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "PUBLIC");
        Set<String> postgres = columns(TestPostgres.freshDatabaseUrl(), "public");
        assertTrue(h2.contains("runs.queued_seq bigint not null"), String.join("\n", h2));
        assertTrue(h2.contains("trainings.lease_until timestamp with time zone null"), String.join("\n", h2));
        assertEquals(String.join("\n", h2), String.join("\n", postgres));
    }

    @Test
    void anotherDatabaseIsRefusedNamingTheOption() {
        var e = assertThrows(IllegalArgumentException.class, () -> Database.open("jdbc:mysql://localhost/lab"));
        assertTrue(e.getMessage().startsWith("--db must be a jdbc:h2: or jdbc:postgresql: URL"), e.getMessage());
    }
}
