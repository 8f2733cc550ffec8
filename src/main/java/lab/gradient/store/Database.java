package lab.gradient.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The one database: a HikariCP pool, migrated by Flyway, used through JDBI. Embedded H2 by default; PostgreSQL when
 * several processes (workers on other machines) share it. Each has its schema's history under
 * {@code db/migration/<vendor>}; migrations written once for both live in {@code db/migration/common}.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Vendor vendor;

    private Database(HikariDataSource dataSource, Vendor vendor) {
        this.dataSource = dataSource;
        this.vendor = vendor;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** The databases this store speaks, by JDBC URL. */
    public enum Vendor {
        H2("jdbc:h2:"), POSTGRESQL("jdbc:postgresql:");

        private final String urlPrefix;

        Vendor(String urlPrefix) {
            this.urlPrefix = urlPrefix;
        }

        /** The vendor of a JDBC URL; refused with the URLs it takes when it is neither. */
        public static Vendor of(String jdbcUrl) {
            for (Vendor v : values()) if (jdbcUrl.startsWith(v.urlPrefix)) return v;
            throw new IllegalArgumentException("--db must be a jdbc:h2: or jdbc:postgresql: URL, was " + jdbcUrl);
        }

        /** True when only this process can open it (an embedded H2 file or in-memory database). */
        public boolean isEmbedded() {
            return this == H2;
        }
    }

    /** Opens the pool and brings the schema up to date; fails fast if the database cannot be opened. */
    public static Database open(String jdbcUrl) {
        Vendor vendor = Vendor.of(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (vendor == Vendor.H2) {
            config.setUsername("sa");
            config.setPassword("");
        } else if (System.getenv("GRADIENT_LAB_DB_PASSWORD") != null) {
            // PostgreSQL: the user in the URL (?user=…); the password from here (or ~/.pgpass), since the URL is logged
            config.setPassword(System.getenv("GRADIENT_LAB_DB_PASSWORD"));
        }
        config.setMaximumPoolSize(10);
        config.setPoolName("gradient-lab");
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(dataSource)
                    .locations("classpath:db/migration/" + vendor.name().toLowerCase(Locale.ROOT), "classpath:db/migration/common")
                    .load().migrate();
            return new Database(dataSource, vendor);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    public Vendor vendor() {
        return vendor;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** True when a trivial query succeeds: what {@code /api/health} reports as {@code db}. */
    public boolean isHealthy() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
