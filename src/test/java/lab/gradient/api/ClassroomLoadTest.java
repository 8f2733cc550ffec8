package lab.gradient.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.gradient.AppConfig;
import lab.gradient.Server;
import lab.gradient.runs.ScaleOutTest;
import lab.gradient.store.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A class of 30 on one server, over real HTTP against an H2 file: every student joins the lab and submits a small
 * RNN-vs-LSTM experiment at the same moment, then polls the dashboard's API like an open browser tab would, while
 * the workers (one per core) saturate the CPU. Excluded from the default run; run it with
 * {@code mvn test -Dgroups=load -Dexcluded.groups= -Dtest=ClassroomLoadTest}. Prints the figures for docs/benchmarks.md.
 */
@Tag("load")
class ClassroomLoadTest {
    static final int STUDENTS = 30;
    static final String TRAINING = "{\"maxIterations\": 60, \"hidden\": 32, \"embedding\": 16, \"window\": 20, \"batch\": 16, \"probeEvery\": 20}";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();
    String base;

    record Reply(int status, JsonNode body) {}

    Reply send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : json.readTree(r.body()));
    }

    @Test
    void thirtyStudentsTrainAtOnceAndTheApiStaysQuick() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("gradient-lab-load");
        try (Server server = Server.start(new AppConfig(0, "jdbc:h2:file:" + dir.resolve("db") + ";AUTO_SERVER=FALSE", cores))) {
            base = "http://localhost:" + server.port();
            // a seed per student: 60 distinct trainings, the queue's load (with one seed they would train twice in all)
            Reply lab = send("POST", "/api/labs", "{\"name\":\"Load lab\",\"settings\":{\"corpus\":{\"preset\":\"seed-examples\"},"
                    + "\"seeds\":\"student\"}}", null);
            assertEquals(201, lab.status());
            String labId = lab.body().get("id").asText(), code = lab.body().get("joinCode").asText();
            String teacher = lab.body().get("teacherToken").asText();

            // everyone joins and submits at the same moment
            ExecutorService students = Executors.newFixedThreadPool(STUDENTS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> tokens = new ArrayList<>();
            for (int i = 0; i < STUDENTS; i++) {
                String name = "Student " + (i + 1);
                tokens.add(students.submit(() -> {
                    go.await();
                    Reply joined = send("POST", "/api/labs/" + code + "/join", "{\"name\":\"" + name + "\"}", null);
                    assertEquals(201, joined.status(), String.valueOf(joined.body()));
                    String token = joined.body().get("participantToken").asText();
                    Reply submitted = send("POST", "/api/experiments", "{\"name\":\"RNN vs LSTM\",\"lab\":\"" + code
                            + "\",\"arms\":[{\"model\":\"rnn\"},{\"model\":\"lstm\"}],\"training\":" + TRAINING + "}", token);
                    assertEquals(201, submitted.status(), String.valueOf(submitted.body()));
                    return token;
                }));
            }
            long start = System.nanoTime();
            double cpuStart = processCpuSeconds();
            go.countDown();
            List<String> studentTokens = new ArrayList<>();
            for (Future<String> t : tokens) studentTokens.add(t.get());

            // meanwhile each student's open tab polls the API, as a dashboard does, and every GET is timed
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean done = new AtomicBoolean();
            List<Future<?>> readers = dashboards(students, studentTokens, labId, latencies, errors, done);

            JsonNode all;
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            while (true) {
                all = send("GET", "/api/labs/" + labId + "/runs", null, teacher).body().get("runs");
                boolean finished = all.size() == 2 * STUDENTS;
                for (JsonNode r : all) finished &= !Set.of("queued", "running").contains(r.get("status").asText());
                if (finished) break;
                assertTrue(System.nanoTime() < deadline, "the class's runs did not finish in 20 minutes");
                Thread.sleep(1000);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = processCpuSeconds() - cpuStart;
            done.set(true);
            for (Future<?> r : readers) r.get();
            students.shutdown();

            // none lost, all completed
            assertEquals(2 * STUDENTS, all.size());
            for (JsonNode r : all) assertEquals("completed", r.get("status").asText(), r.toString());
            // fair start order: every student's first run started before any student's second
            List<JsonNode> byStart = new ArrayList<>();
            all.forEach(byStart::add);
            byStart.sort(Comparator.comparing(r -> OffsetDateTime.parse(r.get("startedAt").asText())));
            Set<String> firstWave = new HashSet<>();
            for (JsonNode r : byStart.subList(0, STUDENTS)) firstWave.add(r.get("student").asText());
            assertEquals(STUDENTS, firstWave.size(), "the first " + STUDENTS + " starts were one per student");

            List<Double> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            String figures = String.format(Locale.ROOT, "classroom load: %d students, %d runs, %d workers on %d cores | total %.1f s, "
                            + "%.1f runs/min | CPU busy %.0f%% of all cores | %d GETs, %d errors: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
                    STUDENTS, all.size(), cores, cores, seconds, all.size() / (seconds / 60), 100 * cpu / seconds / cores, sorted.size(),
                    errors.size(), pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted.get(sorted.size() - 1));
            System.out.println(figures);
            Files.writeString(Path.of("target", "classroom-load.txt"), figures + System.lineSeparator());
            assertTrue(errors.isEmpty(), "GETs failed: " + errors.subList(0, Math.min(5, errors.size())));
            assertTrue(pct(sorted, 95) < 300, figures);
        }
    }

    /** Each student's open tab: the lab's runs, one of them with its metrics, and the lab, every 1–1.5 s, each GET timed. */
    List<Future<?>> dashboards(ExecutorService pool, List<String> studentTokens, String labId, List<Double> latencies,
            List<String> errors, AtomicBoolean done) {
        List<Future<?>> readers = new ArrayList<>();
        for (String token : studentTokens) {
            readers.add(pool.submit(() -> {
                while (!done.get()) {
                    try {
                        JsonNode runs = timedGet("/api/labs/" + labId + "/runs", token, latencies, errors);
                        if (runs != null && runs.get("runs").size() > 0) {
                            String run = runs.get("runs").get(ThreadLocalRandom.current().nextInt(runs.get("runs").size())).get("id").asText();
                            timedGet("/api/runs/" + run, token, latencies, errors);
                            timedGet("/api/runs/" + run + "/metrics?maxPoints=200", token, latencies, errors);
                        }
                        timedGet("/api/labs/" + labId, token, latencies, errors);
                        Thread.sleep(1000 + ThreadLocalRandom.current().nextInt(500));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        return readers;
    }

    /**
     * The lesson a class really runs: 30 students start the vanishing lesson (its RNN and LSTM, as defined) at the same
     * moment in a lab with one seed for the class, and poll like open dashboards. Identical runs train once, so every
     * student's result should be complete within two minutes of submitting. Prints the figures for docs/benchmarks.md.
     */
    @Test
    void thirtyStudentsStartTheVanishingLessonWithOneSeedForTheClass() throws Exception {
        double last = lessonForTheClass("class", i -> lessonBody("vanishing"), "classroom-lesson-load");
        assertTrue(last <= 120, "every student's lesson within two minutes, was " + last + " s");
    }

    /** The same lesson with a seed per student: 60 trainings through the fair queue. Reports how long the class waits. */
    @Test
    void thirtyStudentsStartTheVanishingLessonWithASeedEach() throws Exception {
        lessonForTheClass("student", i -> lessonBody("vanishing"), "classroom-lesson-load-seed-each");
    }

    /**
     * The same class (a seed per student) on a shared PostgreSQL: a web server that trains nothing and one worker process
     * with 2 workers (this test), or two with 1 each (the next). On this 2-core machine both have the server-alone case's two workers; what
     * they measure is what training elsewhere costs the class's wait (docs/benchmarks.md has the arithmetic for machines).
     */
    @Test
    void thirtyStudentsWithASeedEachOnAServeOnlyServerAndOneWorkerProcess() throws Exception {
        lessonForTheClass("student", i -> lessonBody("vanishing"), "classroom-lesson-seed-each-one-worker-process",
                new Setup(TestPostgres.freshDatabaseUrl(), 0, 1, 2));
    }

    @Test
    void thirtyStudentsWithASeedEachOnAServeOnlyServerAndTwoWorkerProcesses() throws Exception {
        lessonForTheClass("student", i -> lessonBody("vanishing"), "classroom-lesson-seed-each-two-worker-processes",
                new Setup(TestPostgres.freshDatabaseUrl(), 0, 2, 1));
    }

    /** 30 students typing their own (different) sentences, RNN vs LSTM at the form's defaults: 60 trainings. */
    @Test
    void thirtyStudentsTrainTheirOwnSentencesAtTheFormsDefaults() throws Exception {
        lessonForTheClass("class", i -> "{\"name\":\"My sentences\",\"corpus\":{\"text\":\"" + ownSentences(i)
                + "\"},\"arms\":[{\"model\":\"rnn\"},{\"model\":\"lstm\"}]}", "classroom-own-sentences-load");
    }

    /** Student {@code i}'s own few sentences: the notes' examples with words of their own, so no two are the same. */
    static String ownSentences(int i) {
        String[][] pairs = {{"Marathi", "Maharashtra"}, {"Tamil", "Tamilnadu"}, {"Bengali", "Bengal"}, {"Malayalam", "Kerala"},
                {"Kannada", "Karnataka"}, {"Telugu", "Andhra"}, {"Gujarati", "Gujarat"}, {"Punjabi", "Punjab"}};
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < pairs.length; k++) {
            String[] p = pairs[(i + k) % pairs.length];
            text.append(p[0]).append(" is spoken in ").append(p[1]).append(". ");
            text.append(p[1]).append(" is a beautiful place and student ").append(i).append(" went there in year ").append(2000 + k)
                    .append(" but could not enjoy it because of not understanding ").append(p[0]).append(". ");
        }
        return text.toString();
    }

    String lessonBody(String id) throws Exception {
        for (JsonNode l : send("GET", "/api/lessons", null, null).body().get("lessons")) {
            if (l.get("id").asText().equals(id)) return l.get("experiment").toString();
        }
        throw new AssertionError("no lesson " + id);
    }

    interface Body {
        String of(int student) throws Exception;
    }

    /**
     * 30 students join a lab ({@code seeds}: "class" or "student"; a lesson lab when the body is a lesson's) and post
     * their experiment at the same moment, then poll like open dashboards until every student's experiment is complete
     * as their own API reads it. Returns the seconds until the last one was; writes {@code target/<report>.txt}.
     */
    double lessonForTheClass(String seeds, Body body, String report) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("gradient-lab-" + report);
        return lessonForTheClass(seeds, body, report, new Setup("jdbc:h2:file:" + dir.resolve("db") + ";AUTO_SERVER=FALSE", cores, 0, 0));
    }

    /** Where the class trains: the web server's database and workers, and worker processes ({@code worker}) beside it. */
    record Setup(String dbUrl, int webWorkers, int workerProcesses, int workersPerProcess) {
        String describe() {
            return webWorkers + " web-server workers" + (workerProcesses == 0 ? ""
                    : " + " + workerProcesses + " worker process(es) × " + workersPerProcess + " workers");
        }
    }

    double lessonForTheClass(String seeds, Body body, String report, Setup setup) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Process> workerProcesses = new ArrayList<>();
        try (Server server = Server.start(new AppConfig(0, setup.dbUrl(), setup.webWorkers()))) {
            for (int i = 0; i < setup.workerProcesses(); i++) {
                workerProcesses.add(ScaleOutTest.worker(setup.dbUrl(), report + "-worker-" + i, setup.workersPerProcess()));
            }
            base = "http://localhost:" + server.port();
            boolean lesson = body.of(0).contains("\"lesson\"");
            Reply lab = send("POST", "/api/labs", "{\"name\":\"Week 5\",\"settings\":{" + (lesson ? "\"lesson\":\"vanishing\"," : "")
                    + "\"seeds\":\"" + seeds + "\"}}", null);
            assertEquals(201, lab.status(), String.valueOf(lab.body()));
            String labId = lab.body().get("id").asText(), code = lab.body().get("joinCode").asText();

            ExecutorService students = Executors.newFixedThreadPool(2 * STUDENTS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String[]>> joined = new ArrayList<>();
            for (int i = 0; i < STUDENTS; i++) {
                String name = "Student " + (i + 1);
                String experiment = ((com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(body.of(i))).put("lab", code).toString();
                joined.add(students.submit(() -> {
                    go.await();
                    Reply j = send("POST", "/api/labs/" + code + "/join", "{\"name\":\"" + name + "\"}", null);
                    assertEquals(201, j.status(), String.valueOf(j.body()));
                    String token = j.body().get("participantToken").asText();
                    // a lesson starts as a student's click starts it: judged over the class, with the variants its
                    // verdict needs (a seed each), or beside the class's own five seeds (one seed for the class)
                    Reply submitted = lesson ? send("POST", "/api/lessons/vanishing/start", "{\"lab\":\"" + code + "\"}", token)
                            : send("POST", "/api/experiments", experiment, token);
                    assertEquals(201, submitted.status(), String.valueOf(submitted.body()));
                    return new String[] {token, lesson ? submitted.body().at("/experiments/0/id").asText() : submitted.body().get("id").asText()};
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            List<String[]> class_ = new ArrayList<>();
            for (Future<String[]> f : joined) class_.add(f.get());
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean done = new AtomicBoolean();
            List<Future<?>> readers = dashboards(students, class_.stream().map(s -> s[0]).toList(), labId, latencies, errors, done);

            // when each student's experiment is complete (both arms), as that student's own API reads it
            double[] completeAfter = new double[STUDENTS];
            double classJudgedAfter = 0;
            String classVerdict = "";
            long rss = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
            // and, for a lesson, until the class's verdict has every seed in (a seed each: the variants too)
            while (Arrays.stream(completeAfter).anyMatch(t -> t == 0) || lesson && classJudgedAfter == 0) {
                for (int i = 0; i < STUDENTS; i++) {
                    if (completeAfter[i] > 0 && (!lesson || classJudgedAfter > 0)) continue;
                    JsonNode e = send("GET", "/api/experiments/" + class_.get(i)[1], null, class_.get(i)[0]).body();
                    boolean complete = true;
                    for (JsonNode r : e.get("runs")) complete &= Set.of("completed", "diverged").contains(r.get("status").asText());
                    if (complete && completeAfter[i] == 0) completeAfter[i] = (System.nanoTime() - start) / 1e9;
                    JsonNode group = e.get("seedGroup");
                    if (group != null && !group.isNull() && classJudgedAfter == 0 && Arrays.stream(completeAfter).allMatch(t -> t > 0)
                            && group.get("finished").asInt() == group.get("seeds").size()) {
                        classJudgedAfter = (System.nanoTime() - start) / 1e9;
                        classVerdict = group.get("holding").asInt() + " of " + group.get("seeds").size() + " seeds";
                    }
                }
                rss = Math.max(rss, send("GET", "/api/health", null, null).body().at("/memory/residentMiB").asLong());
                assertTrue(System.nanoTime() < deadline, "the class's experiments did not finish in an hour");
                Thread.sleep(1000);
            }
            done.set(true);
            for (Future<?> r : readers) r.get();
            students.shutdown();
            // what one student's page asks once the class is in: their experiment with the class's verdict (every seed's
            // runs read), the server otherwise idle
            List<Double> experimentGets = new ArrayList<>();
            for (int k = 0; k < 21; k++) {
                long t0 = System.nanoTime();
                assertEquals(200, send("GET", "/api/experiments/" + class_.get(k % STUDENTS)[1], null, class_.get(k % STUDENTS)[0]).status());
                if (k > 0) experimentGets.add((System.nanoTime() - t0) / 1e6);
            }
            Collections.sort(experimentGets);
            List<Double> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            double[] times = completeAfter.clone();
            java.util.Arrays.sort(times);
            String figures = String.format(Locale.ROOT, "%s, seeds: %s: %d students, %s on %d cores | students' experiments "
                            + "complete after: first %.1f s, median %.1f s, last %.1f s | %d GETs, %d errors: p50 %.1f ms, p95 %.1f ms, "
                            + "max %.1f ms | web server's RSS max %d MiB%s", report, seeds, STUDENTS, setup.describe(), cores, times[0], times[STUDENTS / 2],
                    times[STUDENTS - 1], sorted.size(), errors.size(), pct(sorted, 50), pct(sorted, 95), sorted.get(sorted.size() - 1), rss,
                    lesson ? String.format(Locale.ROOT, " | the class's verdict complete after %.1f s: held on %s", classJudgedAfter, classVerdict) : "")
                    + String.format(Locale.ROOT, " | GET /api/experiments/{id} afterwards: median %.1f ms, max %.1f ms of %d",
                            pct(experimentGets, 50), experimentGets.get(experimentGets.size() - 1), experimentGets.size());
            System.out.println(figures);
            Files.writeString(Path.of("target", report + ".txt"), figures + System.lineSeparator());
            assertTrue(errors.isEmpty(), "GETs failed: " + errors.subList(0, Math.min(5, errors.size())));
            return times[STUDENTS - 1];
        } finally {
            for (Process p : workerProcesses) p.destroyForcibly();
        }
    }

    private JsonNode timedGet(String path, String token, List<Double> latencies, List<String> errors) {
        long t0 = System.nanoTime();
        try {
            Reply r = send("GET", path, null, token);
            latencies.add((System.nanoTime() - t0) / 1e6);
            if (r.status() != 200) errors.add(path + " → " + r.status());
            return r.body();
        } catch (Exception e) {
            errors.add(path + " → " + e);
            return null;
        }
    }

    static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }
}
