package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import lab.gradient.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real out-of-memory inside one run: the server runs in its own JVM with a 1 GB heap under an 8 GB virtual-memory
 * limit, and one arm asks for more memory than that (an LSTM over a 1 MB corpus with batch 1,024 and window 200: its logits
 * alone are 1,024 × ~6,000 words × 200 floats, on our engine's heap arrays and in DL4J's one-hot labels). The allocation
 * fails inside that run; the run ends failed with the reason, the other arm completes, and the server goes on serving
 * and training.
 */
class NativeOutOfMemoryTest {
    static final long VIRTUAL_MEMORY_KIB = 8_000_000;
    @TempDir Path dir;

    static String body(String corpusText) {
        var body = Json.MAPPER.createObjectNode();
        body.putObject("corpus").put("text", corpusText);
        var arms = body.putArray("arms");
        arms.addObject().put("model", "lstm").put("hidden", 512).put("embedding", 256).put("batch", 1024).put("window", 200)
                .put("maxIterations", 3);
        arms.addObject().put("model", "rnn").put("hidden", 16).put("batch", 8).put("window", 10).put("maxIterations", 30);
        return body.toString();
    }

    /** ~960 kB of 20-word sentences over 6,000 made-up words: under the 1 MB limit, with a large vocabulary. */
    static String largeCorpus() {
        Random random = new Random(1);
        StringBuilder text = new StringBuilder();
        while (text.length() < 960_000) {
            for (int i = 0; i < 20; i++) text.append(String.format(java.util.Locale.ROOT, "w%04d ", random.nextInt(6000)));
            text.append(". ");
        }
        return text.toString();
    }

    @Test
    void anAllocationFailureFailsThatRunAloneAndTheServerKeepsServing() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("gradient-lab");
        // the server's cost budget refuses such a run at submission; raised here so that what is tested is an allocation
        // that fails inside a run anyway (an estimate can be wrong; the machine can be short of memory)
        Map<String, String> noBudget = Map.of("GRADIENT_LAB_MAX_STEP_SECONDS", "100000", "GRADIENT_LAB_MAX_RUN_GIB", "1000",
                "GRADIENT_LAB_MAX_RUN_HEAP_MIB", "1000000", "GRADIENT_LAB_RUN_BUDGET", "86400");
        try (ChildServer server = ChildServer.start(url, 2, "native-oom", VIRTUAL_MEMORY_KIB, noBudget,
                "-Xmx1g", "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=128m")) {
            JsonNode submitted = server.post("/api/experiments", body(largeCorpus()), null);
            String huge = submitted.at("/runs/0/id").asText(), small = submitted.at("/runs/1/id").asText();

            JsonNode failed = server.await(huge, run -> !Set.of("queued", "running").contains(run.get("status").asText()));
            assertEquals("failed", failed.get("status").asText(), failed.toString());
            // which limit trips first depends on the allocation: the Java heap (our engine's arrays), JavaCPP's own cap
            // on physical memory (an OutOfMemoryError) or the operating system's (ND4J's std::bad_alloc)
            String error = failed.get("error").asText();
            assertTrue(error.startsWith("OutOfMemoryError") || error.contains("Allocation failed"), error);
            assertFalse(error.contains("\tat "), "a reason, not a stack trace");
            assertEquals("completed", server.await(small, run -> run.get("status").asText().equals("completed")).get("status").asText());

            // the worker that held the failed run trains the next one, and the server answers as before
            assertEquals("ok", server.get("/api/health").get("status").asText());
            String token = submitted.get("ownerToken").asText();
            JsonNode next = server.post("/api/experiments", "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"lstm\"},"
                    + "{\"model\":\"rnn\"}],\"training\":{\"hidden\":16,\"maxIterations\":20}}", token);
            for (JsonNode run : next.get("runs")) {
                assertEquals("completed", server.await(run.get("id").asText(), r -> Set.of("completed", "failed")
                        .contains(r.get("status").asText())).get("status").asText());
            }
        }
    }
}
