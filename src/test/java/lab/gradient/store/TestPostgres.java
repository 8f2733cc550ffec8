package lab.gradient.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests: Debian's binaries ({@code scripts/test} installs the {@code postgresql}
 * package when they are missing), a fresh cluster in a temporary folder on a free port, started on first use and
 * stopped when the JVM exits. PostgreSQL refuses to run as root, so as root it runs as the package's
 * {@code postgres} user. Each caller gets a database of its own.
 */
public final class TestPostgres {
    private static final AtomicInteger databases = new AtomicInteger();
    private static String server; // jdbc:postgresql://127.0.0.1:PORT/

    private TestPostgres() {}

    /** A new, empty database (Flyway migrates it when the app opens it). */
    public static synchronized String freshDatabaseUrl() {
        if (server == null) server = start();
        String name = "test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(server + "postgres?user=postgres")) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a test database", e);
        }
        return server + name + "?user=postgres";
    }

    private static String start() {
        try {
            Path bin = binaries();
            Path dir = Files.createTempDirectory("gradient-lab-postgres");
            Path data = dir.resolve("data"), log = dir.resolve("server.log");
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) run(List.of("chown", "postgres", dir.toString()), false);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
                    "-E", "UTF8", "--locale=C", "--no-sync"), root);
            // durability off: a test cluster is thrown away; a real server keeps PostgreSQL's defaults
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off "
                            + "-c synchronous_commit=off -c full_page_writes=off", "start"), root);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"), root);
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                } catch (IOException | RuntimeException e) {
                    System.err.println("could not stop the test PostgreSQL: " + e);
                }
            }));
            return "jdbc:postgresql://127.0.0.1:" + port + "/";
        } catch (IOException e) {
            throw new IllegalStateException("could not start the test PostgreSQL", e);
        }
    }

    /** The newest PostgreSQL under /usr/lib/postgresql (Debian's layout). */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("PostgreSQL is not installed: scripts/test installs it (apt-get install postgresql)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(p -> p.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no initdb under " + root));
        }
    }

    private static void run(List<String> command, boolean asPostgresUser) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", full) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
