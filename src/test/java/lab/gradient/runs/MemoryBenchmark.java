package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's memory over {@value #RUNS} consecutive runs, its 2 workers training all the time: the app in its own
 * JVM (an H2 file database) as {@code scripts/run} starts it, with the JVM options of {@code scripts/jvm.options} and
 * without them (the JVM's defaults: a heap cap of a quarter of the machine). RSS and heap are sampled from
 * {@code /api/health} every second. Writes {@code target/benchmark-memory.txt}.
 */
@Tag("benchmark")
class MemoryBenchmark {
    static final int RUNS = 100, ACTIVE = 6;
    /**
     * Long-range sentences, an RNN and an LSTM at the lessons' size, 150 steps each (a few seconds per run); each
     * experiment its own seed, so that every run trains (identical runs would share one training).
     */
    static String experiment(int seed) {
        return "{\"name\":\"memory\",\"corpus\":{\"preset\":\"long-range\",\"distance\":20},\"arms\":[{\"model\":\"rnn\"},"
                + "{\"model\":\"lstm\"}],\"training\":{\"maxIterations\":150,\"hidden\":64,\"seed\":" + seed + "}}";
    }

    @TempDir
    Path dir;

    @Test
    void residentMemoryOverAHundredRunsWithAndWithoutTheHeapCap() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(measure("scripts/jvm.options (" + String.join(" ", Files.readAllLines(Path.of("scripts/jvm.options")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList()) + ")", "with", "@scripts/jvm.options"));
        report.add(measure("the JVM's defaults", "without"));
        String text = String.join("\n", report);
        System.out.println(text);
        Files.writeString(Path.of("target/benchmark-memory.txt"), text + "\n");
    }

    String measure(String label, String name, String... jvmOptions) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve(name).resolve("gradient-lab");
        List<long[]> samples = new CopyOnWriteArrayList<>(); // residentMiB, heapUsedMiB, heapCommittedMiB
        AtomicBoolean sampling = new AtomicBoolean(true);
        long start = System.nanoTime();
        try (ChildServer server = ChildServer.start(url, 2, "memory-" + name, jvmOptions)) {
            long heapMax = server.get("/api/health").at("/memory/heapMaxMiB").asLong();
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    try {
                        JsonNode m = server.get("/api/health").get("memory");
                        samples.add(new long[] {m.get("residentMiB").asLong(), m.get("heapUsedMiB").asLong(), m.get("heapCommittedMiB").asLong()});
                        Thread.sleep(1000);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            sampler.start();
            String token = null;
            List<String> active = new ArrayList<>();
            int submitted = 0, completed = 0;
            while (completed < RUNS) {
                while (submitted < RUNS && active.size() + 2 <= ACTIVE) {
                    JsonNode created = server.post("/api/experiments", experiment(submitted), token);
                    token = created.get("ownerToken").asText();
                    created.get("runs").forEach(r -> active.add(r.get("id").asText()));
                    submitted += 2;
                }
                for (String id : List.copyOf(active)) {
                    String status = server.get("/api/runs/" + id).get("status").asText();
                    if (status.equals("queued") || status.equals("running")) continue;
                    assertEquals("completed", status, "run " + id);
                    active.remove(id);
                    completed++;
                }
                Thread.sleep(250);
            }
            sampling.set(false);
            sampler.join();
            double minutes = (System.nanoTime() - start) / 60e9;
            long[] rss = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
            long[] used = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
            long[] committed = samples.stream().mapToLong(s -> s[2]).sorted().toArray();
            return String.format(Locale.ROOT, "%s: %d runs in %.1f min; RSS median %d MiB, max %d MiB; heap in use median %d, max %d MiB;"
                    + " heap committed max %d MiB (cap %d MiB); %d samples", label, RUNS, minutes, rss[rss.length / 2], rss[rss.length - 1],
                    used[used.length / 2], used[used.length - 1], committed[committed.length - 1], heapMax, samples.size());
        } finally {
            sampling.set(false);
        }
    }
}
