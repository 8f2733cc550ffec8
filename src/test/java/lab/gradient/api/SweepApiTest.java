package lab.gradient.api;

import static lab.gradient.api.ApiTest.assertError;
import static lab.gradient.api.ApiTest.get;
import static lab.gradient.api.ApiTest.post;
import static lab.gradient.api.ApiTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lab.gradient.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Distance sweeps over real HTTP: create, read as points finish, cancel, and a class sweep started cell by cell. */
class SweepApiTest {
    static final String TINY = "{\"maxIterations\": 3, \"hidden\": 8, \"embedding\": 8, \"batch\": 8, \"probeEvery\": 1}";
    static final String ENDLESS = "{\"maxIterations\": 1000000, \"epochs\": 100000, \"hidden\": 8, \"embedding\": 8, \"batch\": 8, \"seed\": 8128}";

    @BeforeAll
    static void start() {
        ApiTest.server = TestServers.startInMemory();
    }

    @AfterAll
    static void stop() {
        ApiTest.server.close();
    }

    static JsonNode awaitFinished(String sweepId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            JsonNode sweep = get("/api/sweeps/" + sweepId, null).body();
            if (sweep.get("status").asText().equals("finished")) return sweep;
            if (System.nanoTime() > deadline) throw new AssertionError("sweep did not finish: " + sweep);
            Thread.sleep(200);
        }
    }

    @Test
    void aSweepIsCreatedReadAsItsPointsFinishAndSharedByItsLink() throws Exception {
        ApiTest.Reply created = post("/api/sweeps", "{\"models\": [\"rnn\", \"lstm\"], \"distances\": [3, 5], \"seeds\": 1, \"training\": "
                + TINY + "}", null);
        assertEquals(201, created.status(), created.text());
        String id = created.body().get("id").asText();
        assertEquals(4, created.body().get("runs").size());
        assertTrue(created.body().get("ownerToken").asText().length() >= 40);
        assertEquals("/sweeps/" + id, created.body().at("/links/ui").asText());

        JsonNode sweep = awaitFinished(id);
        assertEquals(4, sweep.get("points").size());
        assertEquals(0.125, sweep.get("guessing").asDouble(), 1e-12);
        List<String> cells = new ArrayList<>();
        for (JsonNode p : sweep.get("points")) {
            assertEquals("completed", p.get("status").asText(), p.toString());
            assertTrue(p.get("longRangeAccuracy").isNumber() && p.get("flowRatio").isNumber(), p.toString());
            cells.add(p.get("model").asText() + "@" + p.get("distance").asInt());
            // each point is an ordinary run with its own link
            JsonNode run = get("/api/runs/" + p.get("runId").asText(), null).body();
            assertEquals(p.get("model").asText(), run.get("model").asText());
            assertEquals(p.get("longRangeAccuracy").asDouble(), run.at("/summary/longRangeAccuracy").asDouble(), 1e-12);
        }
        assertEquals(List.of("rnn@3", "lstm@3", "rnn@5", "lstm@5"), cells);
        for (JsonNode curve : sweep.get("curves")) {
            assertEquals(2, curve.get("longRangeAccuracy").size(), curve.toString());
            assertEquals(1, curve.at("/longRangeAccuracy/0/n").asInt());
        }
        // read-only for anyone with the link; the grid says what was asked for, defaults filled in
        assertEquals(3, sweep.at("/grid/training/maxIterations").asInt());
        assertEquals(1, sweep.at("/grid/seeds").asInt(), "what was asked for");
    }

    @Test
    void aBadSweepIsRefusedNamingItsFieldAndNothingIsQueued() throws Exception {
        assertError(post("/api/sweeps", "{\"distances\": [1]}", null), 400, "distances[0]");
        assertError(post("/api/sweeps", "{\"distances\": \"5,10\"}", null), 400, "distances");
        assertError(post("/api/sweeps", "{\"models\": [{\"model\": \"lstm\", \"hidden\": 0}]}", null), 400, "models[0].hidden");
        assertError(post("/api/sweeps", "{\"seeds\": 0}", null), 400, "seeds");
        assertError(post("/api/sweeps", "{\"training\": {\"learningRate\": -1}}", null), 400, "training.learningRate");
        assertError(post("/api/sweeps", "{\"lab\": \"ABCDEF\"}", null), 400, "lab");
        assertError(post("/api/sweeps", "[1, 2]", null), 400, null);
        assertError(get("/api/sweeps/no-such-sweep", null), 404, null);
        // over the per-owner limit: refused whole, with the reason
        ApiTest.Reply big = post("/api/sweeps", "{\"seeds\": 2, \"training\": " + TINY + "}", null);
        assertEquals(429, big.status(), big.text());
        assertTrue(big.body().get("error").asText().contains("24"), big.text());
    }

    @Test
    void cancellingASweepCancelsWhatHasNotFinishedAndOnlyItsOwnerMay() throws Exception {
        ApiTest.Reply created = post("/api/sweeps", "{\"models\": [\"rnn\"], \"distances\": [3, 4, 5], \"training\": " + ENDLESS + "}", null);
        assertEquals(201, created.status(), created.text());
        String id = created.body().get("id").asText();
        String owner = created.body().get("ownerToken").asText();
        assertError(send("DELETE", "/api/sweeps/" + id, null, null), 401, null);
        assertError(send("DELETE", "/api/sweeps/" + id, null, ApiTest.issuedToken()), 403, null);
        ApiTest.Reply cancelled = send("DELETE", "/api/sweeps/" + id, null, owner);
        assertEquals(200, cancelled.status(), cancelled.text());
        assertEquals(3, cancelled.body().get("cancelled").asInt());
        JsonNode sweep = awaitFinished(id);
        for (JsonNode p : sweep.get("points")) assertEquals("cancelled", p.get("status").asText(), p.toString());
    }

    @Test
    void aClassSweepGivesEachStudentWhoStartsItTheNextCell() throws Exception {
        LabApiTest.Lab lab = LabApiTest.createLab("{\"sweep\": {\"models\": [\"rnn\", \"lstm\"], \"distances\": [3, 4], \"training\": " + TINY + "}}");
        JsonNode dashboard = get("/api/labs/" + lab.id(), lab.teacher()).body();
        String sweepId = dashboard.at("/sweep/id").asText();
        assertEquals(4, dashboard.at("/sweep/cells").asInt());
        assertEquals("waiting", dashboard.at("/sweep/status").asText());
        assertEquals(List.of(3, 4), List.of(dashboard.at("/settings/sweep/distances/0").asInt(), dashboard.at("/settings/sweep/distances/1").asInt()));

        List<String> given = new ArrayList<>();
        for (String name : List.of("Asha", "Ravi", "Mei")) {
            String token = LabApiTest.join(lab, name);
            ApiTest.Reply started = post("/api/sweeps/" + sweepId + "/start", null, token);
            assertEquals(201, started.status(), started.text());
            given.add(started.body().get("model").asText() + "@" + started.body().get("distance").asInt());
            // outside the sweep, the lab admits no experiment
            assertError(LabApiTest.submit(token, lab.code(), "[{\"model\": \"rnn\"}]", "{\"preset\": \"long-range\", \"distance\": 3}"), 400, "lab");
        }
        assertEquals(List.of("rnn@3", "lstm@3", "rnn@4"), given);
        JsonNode sweep = awaitFinished(sweepId);
        // the sweep's link is shared freely: only the lab's members see who trained each point, and the lab (issue 30)
        assertEquals(List.of("Asha", "Ravi", "Mei"), get("/api/sweeps/" + sweepId, lab.teacher()).body().get("points").findValuesAsText("student"));
        assertTrue(sweep.get("lab").isNull(), sweep.toString());
        for (JsonNode p : sweep.get("points")) assertTrue(p.get("student").isNull(), p.toString());
        // only members start it; a personal sweep is not started cell by cell
        assertError(post("/api/sweeps/" + sweepId + "/start", null, ApiTest.issuedToken()), 403, "lab");
        assertError(post("/api/sweeps/" + sweepId + "/start", null, null), 400, null);
        String personal = post("/api/sweeps", "{\"models\": [\"rnn\"], \"distances\": [3], \"training\": " + TINY + "}", null).body().get("id").asText();
        assertError(post("/api/sweeps/" + personal + "/start", null, LabApiTest.join(lab, "Lena")), 400, null);
    }
}
