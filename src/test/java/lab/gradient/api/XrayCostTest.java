package lab.gradient.api;

import static lab.gradient.api.ApiTest.assertError;
import static lab.gradient.api.ApiTest.awaitFinished;
import static lab.gradient.api.ApiTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import lab.gradient.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sentence x-ray is priced before it runs, like a training step (issue 30, finding 2: one anonymous request on a
 * 1,024-wide tanh RNN's 200-word window held one n × n Jacobian per word, ran the server out of heap and failed another
 * user's training). The widest tanh RNN the cost check accepts is x-rayed over as many words as fit the step limit; a
 * longer sentence is refused by its field, at once. Real HTTP, a real (one-step) training.
 */
class XrayCostTest {
    @BeforeAll
    static void start() {
        ApiTest.server = TestServers.startInMemory();
    }

    @AfterAll
    static void stop() {
        ApiTest.server.close();
    }

    @Test
    void theWidestRnnsXrayIsPricedAndALongerSentenceIsRefusedByItsField() throws Exception {
        // the widest tanh RNN with a 200-word window that the cost check accepts (1,024 is refused: its probe costs too much)
        ApiTest.Reply created = null;
        for (int hidden = 1024; created == null || created.status() != 201; hidden -= 64) {
            created = post("/api/experiments", "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\","
                    + "\"hidden\":" + hidden + ",\"window\":200,\"batch\":1,\"embedding\":1}],\"training\":{\"maxIterations\":1}}", null);
            if (created.status() != 201) assertError(created, 400, "arms[0].hidden");
        }
        int hidden = created.body().at("/runs/0/id").isMissingNode() ? 0 : ApiTest.get("/api/runs/" + created.body().at("/runs/0/id").asText(), null)
                .body().at("/config/hidden").asInt();
        assertTrue(hidden >= 256, "accepted at hidden " + hidden);
        String run = created.body().at("/runs/0/id").asText();
        assertEquals("completed", awaitFinished(run).get("status").asText());

        String sentence = String.join(" ", java.util.Collections.nCopies(60, "the cat sat on the mat and"));
        long t0 = System.nanoTime();
        ApiTest.Reply refused = post("/api/runs/" + run + "/inspect", "{\"text\":\"" + sentence + "\"}", null);
        assertError(refused, 400, "text");
        assertTrue(refused.body().get("error").asText().matches(".*at most \\d+ words at once.*"), refused.text());
        assertTrue((System.nanoTime() - t0) / 1e9 < 2, "refused before any work");

        int most = Integer.parseInt(refused.body().get("error").asText().replaceAll(".*at most (\\d+) words.*", "$1"));
        assertTrue(most >= 1 && most < 200, "a " + hidden + "-wide RNN is x-rayed over fewer words than its window: " + most);
        String fits = String.join(" ", java.util.Collections.nCopies(most, "cat"));
        ApiTest.Reply x = post("/api/runs/" + run + "/inspect", "{\"text\":\"" + fits + "\"}", null);
        assertEquals(200, x.status(), x.text());
        assertEquals(most, x.body().get("words").size());
        assertEquals(hidden, x.body().get("hidden").size(), "units × words");

        // a blank text takes the run's own example sentence, as many of its last words as fit
        ApiTest.Reply example = post("/api/runs/" + run + "/inspect", "{}", null);
        assertEquals(200, example.status(), example.text());
        JsonNode words = example.body().get("words");
        assertTrue(words.size() >= 1 && words.size() <= most, words.toString());
    }
}
