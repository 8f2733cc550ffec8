package lab.gradient.api;

import static lab.gradient.api.ApiTest.assertError;
import static lab.gradient.api.ApiTest.awaitFinished;
import static lab.gradient.api.ApiTest.get;
import static lab.gradient.api.ApiTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import lab.gradient.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A lesson on a group of seeds over real HTTP: one request queues the lesson on consecutive seeds, and every seed's
 * experiment then carries the group's verdict: each seed's checks and each check counted over the finished seeds. The
 * exploding lesson, the quickest (its unclipped arm diverges within steps); every answer checked against the OpenAPI.
 */
class LessonGroupApiTest {
    @BeforeAll
    static void start() {
        ApiTest.server = TestServers.startInMemory();
    }

    @AfterAll
    static void stop() {
        ApiTest.server.close();
    }

    @Test
    void aLessonsSeedGroupIsQueuedInOneRequestAndEachSeedShowsTheGroupsVerdict() throws Exception {
        ApiTest.Reply started = post("/api/lessons/exploding/start", "{\"seed\":42,\"seeds\":2}", null);
        assertEquals(201, started.status(), started.text());
        JsonNode experiments = started.body().get("experiments");
        assertEquals(2, experiments.size());
        assertEquals(42, experiments.get(0).get("seed").asLong());
        assertEquals(43, experiments.get(1).get("seed").asLong());
        for (JsonNode e : experiments) {
            for (JsonNode run : get("/api/experiments/" + e.get("id").asText(), null).body().get("runs")) awaitFinished(run.get("id").asText());
        }

        JsonNode first = get("/api/experiments/" + experiments.get(0).get("id").asText(), null).body();
        JsonNode group = first.get("seedGroup");
        assertEquals("exploding", first.get("lesson").asText());
        assertEquals(2, group.get("seeds").size());
        assertEquals(2, group.get("finished").asInt(), group.toString());
        int holding = 0;
        for (JsonNode seed : group.get("seeds")) {
            assertTrue(seed.get("finished").asBoolean());
            assertFalse(seed.get("checks").isEmpty(), "the signature judged on seed " + seed.get("seed"));
            boolean all = true;
            for (JsonNode c : seed.get("checks")) all &= c.get("holds").asBoolean();
            assertEquals(all, seed.get("holds").asBoolean());
            if (all) holding++;
        }
        assertEquals(holding, group.get("holding").asInt());
        // each check counted over both seeds: held on as many seeds as its per-seed verdicts say
        JsonNode counts = group.get("counts");
        assertEquals(group.get("seeds").get(0).get("checks").size(), counts.size());
        for (int i = 0; i < counts.size(); i++) {
            int held = 0;
            for (JsonNode seed : group.get("seeds")) if (seed.get("checks").get(i).get("holds").asBoolean()) held++;
            assertEquals(held, counts.get(i).get("held").asInt(), counts.get(i).toString());
            assertEquals(2, counts.get(i).get("of").asInt());
        }
        // the other seed's experiment answers with the same group
        JsonNode second = get("/api/experiments/" + experiments.get(1).get("id").asText(), null).body();
        assertEquals(group, second.get("seedGroup"));
        // an experiment started alone has none
        ApiTest.Reply alone = post("/api/experiments", "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],"
                + "\"training\":{\"maxIterations\":1}}", null);
        assertTrue(get("/api/experiments/" + alone.body().get("id").asText(), null).body().get("seedGroup").isNull());
    }

    /**
     * A student deletes one arm of their seed's experiment: the seed can no longer be judged (the signature reads both
     * arms), so it leaves the group's verdict, and every other seed's page still answers, the verdict counted without it.
     */
    @Test
    void aSeedWithADeletedArmLeavesTheVerdictAndTheOthersStillAnswer() throws Exception {
        ApiTest.Reply started = post("/api/lessons/exploding/start", "{\"seed\":142,\"seeds\":2}", null);
        assertEquals(201, started.status(), started.text());
        String token = started.body().get("ownerToken").asText();
        JsonNode experiments = started.body().get("experiments");
        for (JsonNode e : experiments) {
            for (JsonNode run : get("/api/experiments/" + e.get("id").asText(), null).body().get("runs")) awaitFinished(run.get("id").asText());
        }
        String kept = experiments.get(0).get("id").asText(), cut = experiments.get(1).get("id").asText();
        assertEquals(2, get("/api/experiments/" + kept, null).body().at("/seedGroup/finished").asInt());

        String clippedArm = get("/api/experiments/" + cut, null).body().at("/runs/1/id").asText();
        assertEquals(204, ApiTest.send("DELETE", "/api/runs/" + clippedArm, null, token).status());
        for (String id : java.util.List.of(kept, cut)) {
            ApiTest.Reply page = get("/api/experiments/" + id, null);
            assertEquals(200, page.status(), page.text());
            JsonNode group = page.body().get("seedGroup");
            assertEquals(1, group.get("seeds").size(), "only the whole seed is judged: " + group);
            assertEquals(142, group.at("/seeds/0/seed").asLong());
            assertEquals(1, group.at("/counts/0/of").asInt());
        }
    }

    /**
     * In a lab with a seed per student, each member's start is their seed with the lesson's variants, and every member's
     * experiment answers with the class's seeds so far. Not trained here: the group's members are what is read.
     */
    @Test
    void inALabTheMembersStartIsJudgedOverTheClass() throws Exception {
        LabApiTest.Lab lab = LabApiTest.createLab("{\"lesson\":\"vanishing\",\"seeds\":\"student\"}");
        String asha = LabApiTest.join(lab, "Asha"), ravi = LabApiTest.join(lab, "Ravi");
        ApiTest.Reply first = post("/api/lessons/vanishing/start", "{\"lab\":\"" + lab.code() + "\"}", asha);
        assertEquals(201, first.status(), first.text());
        ApiTest.Reply second = post("/api/lessons/vanishing/start", "{\"lab\":\"" + lab.code() + "\"}", ravi);
        JsonNode mine = second.body().get("experiments");
        assertEquals(1, mine.size());
        assertEquals(44, mine.get(0).get("seed").asLong(), "the lesson's seed plus Ravi's number in the class");
        assertEquals(2, mine.get(0).get("variants").size(), "with the variants the lesson's verdict needs");
        JsonNode group = get("/api/experiments/" + mine.get(0).get("id").asText(), ravi).body().get("seedGroup");
        assertEquals(2, group.get("seeds").size(), group.toString());
        assertEquals(43, group.get("seeds").get(0).get("seed").asLong());
        assertEquals(0, group.get("finished").asInt());
        // the class decides the seeds in a lab; a stranger is refused by the lab's rules
        assertError(post("/api/lessons/vanishing/start", "{\"lab\":\"" + lab.code() + "\",\"seeds\":5}", asha), 400, "seeds");
        assertError(post("/api/lessons/vanishing/start", "{\"lab\":\"" + lab.code() + "\"}", null), 403, "lab");
    }

    @Test
    void aGroupThatCannotStartIsRefusedByItsField() throws Exception {
        assertError(post("/api/lessons/exploding/start", "{\"seeds\":11}", null), 400, "seeds");
        assertError(post("/api/lessons/exploding/start", "{\"seeds\":0}", null), 400, "seeds");
        assertError(post("/api/lessons/exploding/start", "{\"seed\":-1}", null), 400, "seed");
        assertError(post("/api/lessons/exploding/start", "{\"seed\":\"42\"}", null), 400, "seed");
        assertError(post("/api/lessons/exploding/start", "{\"models\":[\"rnn\"]}", null), 400, "models");
        assertError(post("/api/lessons/nope/start", "{}", null), 404, null);
    }
}
