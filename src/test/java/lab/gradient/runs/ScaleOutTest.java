package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import lab.gradient.store.Database;
import lab.gradient.store.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * Past one server, for real: a web server that trains nothing ({@code --workers 0}) and two worker processes
 * ({@code worker}), three JVMs sharing one PostgreSQL and nothing else. The runs of five students each train once, in
 * the fair order, on both workers; a browser-like SSE client of the web server hears a run a worker trains; a worker
 * killed with SIGKILL loses its run to the other within the lease time; a cancel sent to the web server stops a
 * training in a worker process; a run waiting on the web server has its place in the queue and a start time.
 */
public class ScaleOutTest {
    static final int STUDENTS = 5, RUNS_EACH = 4, ITERATIONS = 60;

    static String experiment(long seed, int iterations) {
        return "{\"name\":\"scale\",\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],\"training\":"
                + "{\"maxIterations\":" + iterations + ",\"epochs\":100000,\"hidden\":8,\"embedding\":4,\"window\":10,\"batch\":4,"
                + "\"probeEvery\":10,\"seed\":" + seed + "}}";
    }

    /** {@code java … App worker}: a training process with one worker, as on another machine. */
    static Process worker(String db, String name) throws Exception {
        return worker(db, name, 1);
    }

    /** {@code java … App worker --workers N}, its output in {@code target/<name>.log}. */
    public static Process worker(String db, String name, int workers) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"), "lab.gradient.App", "worker", "--db", db, "--workers", String.valueOf(workers),
                "--checkpoint-every", "1"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Path.of("target", name + ".log").toFile()).start();
    }

    /** POST /api/runs/{id}/cancel as the run's owner; the response's status code. */
    static int cancel(ChildServer web, String runId, String token) throws Exception {
        return ChildServer.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port + "/api/runs/" + runId + "/cancel"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aServeOnlyWebServerAndTwoWorkerProcessesShareOnePostgresql() throws Exception {
        String db = TestPostgres.freshDatabaseUrl();
        try (ChildServer web = ChildServer.start(db, 0, "scale-web"); Database database = Database.open(db)) {
            Process first = worker(db, "scale-worker-1"), second = worker(db, "scale-worker-2");
            try {
                // five students, four runs each, submitted before any worker is ready: the queue decides the order
                List<String> tokens = new ArrayList<>(), runIds = new ArrayList<>();
                Map<String, String> studentOf = new java.util.HashMap<>();
                long seed = RunServiceTest.freshSeed() * 1000;
                for (int s = 0; s < STUDENTS; s++) {
                    JsonNode created = web.post("/api/experiments", experiment(seed++, ITERATIONS), null);
                    tokens.add(created.get("ownerToken").asText());
                    runIds.add(created.at("/runs/0/id").asText());
                    studentOf.put(runIds.get(runIds.size() - 1), "student " + s);
                }
                for (int r = 1; r < RUNS_EACH; r++) {
                    for (int s = 0; s < STUDENTS; s++) {
                        String id = web.post("/api/experiments", experiment(seed++, ITERATIONS), tokens.get(s)).at("/runs/0/id").asText();
                        runIds.add(id);
                        studentOf.put(id, "student " + s);
                    }
                }
                // an SSE client of the web server listens to a longer run (seconds of training, queued behind the 20), which
                // a worker process will train: 30,000 steps (3,000 took under a second on our engine, so the run could end
                // before the client subscribed, and the stream then opens with the final status alone; seen in CI)
                String listened = web.post("/api/experiments", experiment(seed++, 30_000), tokens.get(STUDENTS - 1)).at("/runs/0/id").asText();
                studentOf.put(listened, "student " + (STUDENTS - 1));
                List<String> heard = new CopyOnWriteArrayList<>();
                var stream = ChildServer.http.sendAsync(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + web.port + "/api/runs/" + listened + "/events")).build(),
                        HttpResponse.BodyHandlers.ofLines());
                Thread reader = new Thread(() -> {
                    try {
                        stream.get().body().filter(l -> l.startsWith("event: ")).forEach(heard::add);
                    } catch (Exception ignored) {
                        // the stream ends with the run
                    }
                });
                reader.setDaemon(true);
                reader.start();

                for (String id : runIds) web.await(id, run -> run.get("status").asText().equals("completed"));
                web.await(listened, run -> run.get("status").asText().equals("completed"));
                // each run trained once, to its end, with every step recorded once
                for (String id : runIds) {
                    JsonNode run = web.get("/api/runs/" + id);
                    assertEquals(ITERATIONS, run.at("/progress/iteration").asInt(), run.toString());
                    long rows = database.jdbi().withHandle(h -> h.createQuery(
                            "SELECT SUM(row_count) FROM training_metric_chunks WHERE training_id = (SELECT training_id FROM runs WHERE id = ?)")
                            .bind(0, id).mapTo(Long.class).one());
                    assertEquals(ITERATIONS, rows, "rows of " + id);
                }
                List<Map<String, Object>> starts = database.jdbi().withHandle(h -> h.createQuery(
                        "SELECT r.id, t.worker FROM runs r JOIN trainings t ON t.id = r.training_id ORDER BY t.started_at, r.queued_seq")
                        .mapToMap().list());
                Set<String> workers = new HashSet<>();
                starts.forEach(row -> workers.add(String.valueOf(row.get("worker")).split("@")[0]));
                assertEquals(Set.of(String.valueOf(first.pid()), String.valueOf(second.pid())), workers, "both worker processes trained");
                // the fair order across processes: the first five starts are the five students, one each
                Set<String> firstFive = new HashSet<>();
                for (int i = 0; i < STUDENTS; i++) firstFive.add(studentOf.get(String.valueOf(starts.get(i).get("id"))));
                assertEquals(STUDENTS, firstFive.size(), "first starts: " + starts.subList(0, STUDENTS));

                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                // the stream opens with the run's status and ends with its last
                while (heard.stream().filter("event: status"::equals).count() < 2 && System.nanoTime() < deadline) Thread.sleep(100);
                assertTrue(heard.contains("event: progress"), "the SSE client heard the worker's progress: " + heard.size());
                assertTrue(heard.contains("event: metrics"), "and its records");
                assertTrue(heard.stream().filter("event: status"::equals).count() >= 2, "and its end: " + heard);

                // both workers busy: a run waiting on the web server, which trains nothing, has its place and start time
                // (the worker processes say in the database how many runs they train)
                String longRun = web.post("/api/experiments", experiment(seed++, 1_000_000), tokens.get(0)).at("/runs/0/id").asText();
                String otherLong = web.post("/api/experiments", experiment(seed++, 1_000_000), tokens.get(1)).at("/runs/0/id").asText();
                web.await(otherLong, run -> run.get("status").asText().equals("running"));
                String waiting = web.post("/api/experiments", experiment(seed++, ITERATIONS), tokens.get(2)).at("/runs/0/id").asText();
                JsonNode place = web.await(waiting, run -> run.has("queue"));
                assertEquals(1, place.at("/queue/position").asInt(), place.toString());
                assertTrue(place.at("/queue/estimatedStartSeconds").asDouble() > 0, place.toString());
                assertEquals(2, cancel(web, otherLong, tokens.get(1)) / 100);
                assertEquals(2, cancel(web, waiting, tokens.get(2)) / 100);

                // a worker killed mid-run: the other resumes the run within the lease time
                web.await(longRun, run -> run.get("status").asText().equals("running") && run.at("/progress/iteration").asInt() > 200);
                // the worker has saved a checkpoint to resume from (one a second here): read in the database, not assumed after a sleep
                web.await(longRun, run -> database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM training_checkpoints "
                        + "WHERE training_id = (SELECT training_id FROM runs WHERE id = ?)").bind(0, longRun).mapTo(Integer.class).one()) > 0);
                String holder = database.jdbi().withHandle(h -> h.createQuery(
                        "SELECT worker FROM trainings WHERE id = (SELECT training_id FROM runs WHERE id = ?)").bind(0, longRun)
                        .mapTo(String.class).one()).split("@")[0];
                Process killed = holder.equals(String.valueOf(first.pid())) ? first : second, survivor = killed == first ? second : first;
                long killedAt = System.nanoTime();
                killed.destroyForcibly();
                assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
                web.await(longRun, run -> database.jdbi().withHandle(h -> h.createQuery(
                        "SELECT worker FROM trainings WHERE id = (SELECT training_id FROM runs WHERE id = ?)").bind(0, longRun)
                        .mapTo(String.class).findOne()).map(w -> w.startsWith(survivor.pid() + "@")).orElse(false));
                double recoveredAfter = (System.nanoTime() - killedAt) / 1e9;
                System.out.printf("scale-out: a killed worker's run resumed on the other after %.1f s%n", recoveredAfter);
                assertTrue(recoveredAfter <= 30, "resumed within the lease time, took " + recoveredAfter + " s");
                JsonNode resumed = web.await(longRun, run -> run.get("status").asText().equals("running"));
                int then = resumed.at("/progress/iteration").asInt();
                web.await(longRun, run -> run.at("/progress/iteration").asInt() > then + 50);

                // a cancel sent to the web server stops the training in the worker process
                assertEquals(2, cancel(web, longRun, tokens.get(0)) / 100);
                web.await(longRun, run -> run.get("status").asText().equals("cancelled"));
                // nothing completed changed
                for (String id : runIds) {
                    JsonNode run = web.get("/api/runs/" + id);
                    assertEquals("completed", run.get("status").asText());
                    assertEquals(ITERATIONS, run.at("/progress/iteration").asInt());
                }
            } finally {
                first.destroyForcibly();
                second.destroyForcibly();
            }
        }
    }
}
