package lab.gradient.api;

import static lab.gradient.api.ApiTest.assertError;
import static lab.gradient.api.ApiTest.awaitFinished;
import static lab.gradient.api.ApiTest.get;
import static lab.gradient.api.ApiTest.post;
import static lab.gradient.api.ApiTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import lab.gradient.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Labs over real HTTP: creating, joining, limits, the dashboard's reads, and who may do what to whose run. */
class LabApiTest {
    static final String TINY = "{\"maxIterations\": 10, \"hidden\": 8, \"embedding\": 4, \"window\": 10, \"batch\": 4, \"probeEvery\": 5, \"epochs\": 3}";

    record Lab(String id, String code, String teacher) {}

    @BeforeAll
    static void start() {
        ApiTest.server = TestServers.startInMemory();
    }

    @AfterAll
    static void stop() {
        ApiTest.server.close();
    }

    static Lab createLab(String settings) throws Exception {
        ApiTest.Reply r = post("/api/labs", "{\"name\":\"Week 5: vanishing gradients\"" + (settings == null ? "" : ",\"settings\":" + settings) + "}", null);
        assertEquals(201, r.status(), r.text());
        return new Lab(r.body().get("id").asText(), r.body().get("joinCode").asText(), r.body().get("teacherToken").asText());
    }

    static String join(Lab lab, String name) throws Exception {
        ApiTest.Reply r = post("/api/labs/" + lab.code() + "/join", "{\"name\":" + ApiTest.json.writeValueAsString(name) + "}", null);
        assertEquals(201, r.status(), r.text());
        assertEquals(lab.id(), r.body().get("labId").asText());
        return r.body().get("participantToken").asText();
    }

    static ApiTest.Reply submit(String token, String lab, String arms, String corpus) throws Exception {
        return post("/api/experiments", "{\"name\":\"mine\"," + (lab == null ? "" : "\"lab\":\"" + lab + "\",")
                + (corpus == null ? "" : "\"corpus\":" + corpus + ",") + "\"arms\":" + arms + ",\"training\":" + TINY + "}", token);
    }

    @Test
    void aTeacherCreatesALabWithAShortUnambiguousCodeAndATeacherLink() throws Exception {
        ApiTest.Reply r = post("/api/labs", "{\"name\":\"Lab\",\"settings\":{\"allowedModels\":[\"rnn\",\"lstm\"],\"maxEpochs\":5}}", null);
        assertEquals(201, r.status(), r.text());
        String code = r.body().get("joinCode").asText();
        assertTrue(code.matches("[A-HJKMNP-Z2-9]{6}"), "no 0/O, 1/l/I: " + code);
        String token = r.body().get("teacherToken").asText();
        assertTrue(token.length() >= 40, "≥ 128 random bits");
        assertEquals("/labs/" + r.body().get("id").asText() + "?key=" + token, r.body().at("/links/ui").asText());
        assertEquals("/join/" + code, r.body().at("/links/join").asText());

        JsonNode lab = get("/api/labs/" + r.body().get("id").asText(), token).body();
        assertEquals("teacher", lab.get("role").asText());
        assertEquals(code, lab.get("joinCode").asText());
        assertEquals(5, lab.at("/settings/maxEpochs").asInt());
        assertEquals(1, lab.at("/settings/maxTrainingPerStudent").asInt());

        assertError(post("/api/labs", "{\"name\":\"\"}", null), 400, "name");
        assertError(post("/api/labs", "{\"name\":\"x\",\"settings\":{\"allowedModels\":[\"gru\"]}}", null), 400, "settings.allowedModels");
        assertError(post("/api/labs", "{\"name\":\"x\",\"settings\":{\"maxEpochs\":0}}", null), 400, "settings.maxEpochs");
        assertError(post("/api/labs", "{\"name\":\"x\",\"settings\":{\"corpus\":{\"preset\":\"poems\"}}}", null), 400, "settings.corpus.preset");
        assertError(post("/api/labs", "{\"name\":\"x\",\"settings\":{\"colour\":1}}", null), 400, "settings.colour");
        assertError(post("/api/labs", "{\"name\":\"x\",\"teacher\":\"me\"}", null), 400, "teacher");
    }

    @Test
    void aLessonLabTakesItsLessonAsDefinedWithOnlyTheSeedChanged() throws Exception {
        assertError(post("/api/labs", "{\"name\":\"x\",\"settings\":{\"lesson\":\"gravity\"}}", null), 400, "settings.lesson");
        assertError(post("/api/labs", "{\"name\":\"x\",\"settings\":{\"lesson\":\"skip\",\"corpus\":{\"preset\":\"long-range\"}}}", null),
                400, "settings.corpus");
        Lab lab = createLab("{\"lesson\":\"skip\",\"maxRunsPerStudent\":4}");
        assertEquals("skip", get("/api/labs/" + lab.id(), lab.teacher()).body().at("/settings/lesson").asText());
        String asha = join(lab, "Asha");

        JsonNode lesson = null;
        for (JsonNode l : get("/api/lessons", null).body().get("lessons")) if (l.get("id").asText().equals("skip")) lesson = l;
        ObjectNode body = lesson.get("experiment").deepCopy();
        body.put("lab", lab.code());

        // anything but the lesson is refused, naming what differs
        // (a distance the test's 10-step window holds: a window that cannot hold the key is refused by its own field first)
        assertError(submit(asha, lab.code(), "[{\"model\":\"rnn\"}]", "{\"preset\":\"long-range\",\"distance\":5}"), 400, "lesson");
        ObjectNode changed = body.deepCopy();
        ((ObjectNode) changed.get("arms").get(1)).put("skip", 5);
        assertError(post("/api/experiments", changed.toString(), asha), 400, "arms");

        // the lesson as GET /api/lessons gives it, and again with another seed: both are the lab's
        ApiTest.Reply started = post("/api/experiments", body.toString(), asha);
        assertEquals(201, started.status(), started.text());
        ((ObjectNode) body.get("training")).put("seed", 7);
        ApiTest.Reply reseeded = post("/api/experiments", body.toString(), asha);
        assertEquals(201, reseeded.status(), reseeded.text());
        JsonNode runs = get("/api/labs/" + lab.id() + "/runs", lab.teacher()).body().get("runs");
        assertEquals(4, runs.size(), runs.toString());
        // the lab's run limit still counts: two arms more would be six
        assertEquals(429, post("/api/experiments", body.toString(), asha).status());
        for (JsonNode r : runs) post("/api/runs/" + r.get("id").asText() + "/cancel", null, lab.teacher());
    }

    @Test
    void studentsJoinWithADisplayNameThatMustBeUniqueInTheLab() throws Exception {
        Lab lab = createLab(null);
        String asha = join(lab, "Asha");
        assertTrue(asha.length() >= 40);
        // case, spaces and width do not make a different name; a lower-case typed code still works
        assertError(post("/api/labs/" + lab.code() + "/join", "{\"name\":\"  asha \"}", null), 409, "name");
        assertError(post("/api/labs/" + lab.code() + "/join", "{\"name\":\"ＡＳＨＡ\"}", null), 409, "name");
        ApiTest.Reply ravi = post("/api/labs/" + lab.code().toLowerCase() + "/join", "{\"name\":\"Ravi\"}", null);
        assertEquals(201, ravi.status(), ravi.text());
        // joining again with one's own token is not a conflict
        ApiTest.Reply again = post("/api/labs/" + lab.code() + "/join", "{\"name\":\"Asha\"}", asha);
        assertEquals(200, again.status(), again.text());
        assertEquals(asha, again.body().get("participantToken").asText());

        assertError(post("/api/labs/" + lab.code() + "/join", "{\"name\":\"\"}", null), 400, "name");
        assertError(post("/api/labs/" + lab.code() + "/join", "{\"name\":\"a\\u0000b\"}", null), 400, "name");
        assertError(post("/api/labs/" + lab.code() + "/join", "{\"name\":\"" + "x".repeat(41) + "\"}", null), 400, "name");
        assertError(post("/api/labs/" + lab.code() + "/join", "{\"name\":7}", null), 400, "name");
        assertError(post("/api/labs/ZZZZZZ/join", "{\"name\":\"Mei\"}", null), 404, "joinCode");

        assertError(post("/api/labs/" + lab.id() + "/close", null, asha), 403, null);
        assertEquals(200, post("/api/labs/" + lab.id() + "/close", null, lab.teacher()).status());
        assertError(post("/api/labs/" + lab.code() + "/join", "{\"name\":\"Mei\"}", null), 403, null);
        assertError(submit(asha, lab.code(), "[{\"model\":\"rnn\"}]", "{\"preset\":\"seed-examples\"}"), 403, "lab");
        assertEquals(200, post("/api/labs/" + lab.id() + "/open", null, lab.teacher()).status());
        assertEquals(201, post("/api/labs/" + lab.code() + "/join", "{\"name\":\"Mei\"}", null).status());
    }

    @Test
    void experimentsInALabObeyItsCorpusModelsEpochsAndRunLimit() throws Exception {
        Lab lab = createLab("{\"corpus\":{\"preset\":\"seed-examples\"},\"allowedModels\":[\"rnn\",\"lstm\"],\"maxEpochs\":5,\"maxRunsPerStudent\":3}");
        String asha = join(lab, "Asha");
        String stranger = ApiTest.submit(null, "[{\"model\":\"rnn\"}]", TINY).body().get("ownerToken").asText();

        assertError(submit(stranger, lab.code(), "[{\"model\":\"rnn\"}]", null), 403, "lab");
        assertError(submit(asha, "NOPE23", "[{\"model\":\"rnn\"}]", "{\"preset\":\"seed-examples\"}"), 400, "lab");
        assertError(submit(asha, lab.code(), "[{\"model\":\"irnn\"}]", null), 400, "arms[0].model");
        assertError(post("/api/experiments", "{\"lab\":\"" + lab.code() + "\",\"arms\":[{\"model\":\"rnn\",\"epochs\":9}]}", asha), 400, "arms[0].epochs");
        assertError(submit(asha, lab.code(), "[{\"model\":\"rnn\"}]", "{\"preset\":\"english-prose\"}"), 400, "corpus");

        // the corpus may be left out: the lab's is used
        ApiTest.Reply ok = submit(asha, lab.code(), "[{\"model\":\"rnn\"},{\"model\":\"lstm\"}]", null);
        assertEquals(201, ok.status(), ok.text());
        JsonNode experiment = get("/api/experiments/" + ok.body().get("id").asText(), asha).body();
        assertEquals("seed-examples", experiment.at("/corpus/preset").asText());
        assertEquals(lab.id(), experiment.get("lab").asText());
        assertEquals(lab.id(), experiment.at("/runs/0/lab").asText());

        // three runs per student: two are used, two more are one too many
        ApiTest.Reply over = submit(asha, lab.code(), "[{\"model\":\"rnn\"},{\"model\":\"lstm\"}]", null);
        assertError(over, 429, null);
        assertTrue(over.body().get("error").asText().contains("3 runs"), over.text());
        for (JsonNode run : ok.body().get("runs")) awaitFinished(run.get("id").asText());
        assertError(submit(asha, lab.code(), "[{\"model\":\"rnn\"},{\"model\":\"lstm\"}]", null), 429, null);
        assertEquals(201, submit(asha, lab.code(), "[{\"model\":\"rnn\"}]", null).status());
    }

    @Test
    void membersSeeEveryRunStudentsActOnTheirOwnAndTheTeacherOnAll() throws Exception {
        Lab lab = createLab("{\"corpus\":{\"preset\":\"seed-examples\"}}");
        String asha = join(lab, "Asha");
        String ravi = join(lab, "Ravi");
        String outsider = join(createLab(null), "Mei");
        List<String> ashaRuns = ids(submit(asha, lab.code(), "[{\"model\":\"rnn\"},{\"model\":\"lstm\"}]", null));
        List<String> raviRuns = ids(submit(ravi, lab.code(), "[{\"model\":\"rnn\"},{\"model\":\"lstm\"}]", null));

        // members list the lab's runs, with each run's student; one student's runs by name
        for (String member : List.of(asha, ravi, lab.teacher())) {
            ApiTest.Reply runs = get("/api/labs/" + lab.id() + "/runs", member);
            assertEquals(200, runs.status(), runs.text());
            assertEquals(4, runs.body().get("runs").size());
        }
        JsonNode onlyRavi = get("/api/labs/" + lab.id() + "/runs?student=ravi", asha).body().get("runs");
        assertEquals(2, onlyRavi.size());
        onlyRavi.forEach(r -> assertEquals("Ravi", r.get("student").asText()));
        assertError(get("/api/labs/" + lab.id() + "/runs?student=Nobody", asha), 400, "student");
        JsonNode dashboard = get("/api/labs/" + lab.id(), ravi).body();
        assertEquals("student", dashboard.get("role").asText());
        assertEquals(2, dashboard.get("students").size());

        // non-members: no token 401, another lab's token 403; a run's share link still opens read-only
        assertError(get("/api/labs/" + lab.id() + "/runs", null), 401, null);
        assertError(get("/api/labs/" + lab.id() + "/runs", outsider), 403, null);
        assertError(get("/api/labs/" + lab.id(), outsider), 403, null);
        assertEquals(200, get("/api/runs/" + ashaRuns.get(0), null).status());
        assertEquals(200, get("/api/runs/" + ashaRuns.get(0), outsider).status());

        // a student may not cancel or delete another's run; their own, yes; the teacher, any
        assertError(post("/api/runs/" + raviRuns.get(1) + "/cancel", null, asha), 403, null);
        assertError(send("DELETE", "/api/runs/" + raviRuns.get(0), null, asha), 403, null);
        assertError(post("/api/labs/" + lab.id() + "/close", null, asha), 403, null);
        assertError(get("/api/labs/" + lab.id() + "/export.csv", ravi), 403, null);
        // the teacher may cancel it: 200, or 409 if the (tiny) run has already ended; never 403
        ApiTest.Reply teacherCancel = post("/api/runs/" + raviRuns.get(1) + "/cancel", null, lab.teacher());
        assertTrue(teacherCancel.status() == 200 || teacherCancel.status() == 409 && teacherCancel.text().contains("already ended"),
                teacherCancel.status() + " " + teacherCancel.text());
        assertEquals(204, send("DELETE", "/api/runs/" + raviRuns.get(0), null, lab.teacher()).status());
        assertEquals(204, send("DELETE", "/api/runs/" + ashaRuns.get(1), null, asha).status());
        assertEquals(404, get("/api/runs/" + raviRuns.get(0), null).status());
        // the teacher's token is no key to runs outside the lab
        String own = ApiTest.submit(null, "[{\"model\":\"rnn\"}]", TINY).body().at("/runs/0/id").asText();
        assertError(send("DELETE", "/api/runs/" + own, null, lab.teacher()), 403, null);

        JsonNode run = awaitFinished(ashaRuns.get(0));
        assertEquals("completed", run.get("status").asText());
        JsonNode board = get("/api/labs/" + lab.id(), lab.teacher()).body().get("leaderboard");
        assertEquals("Asha", board.get(0).get("student").asText());
        assertEquals(ashaRuns.get(0), board.get(0).get("runId").asText());
    }

    @Test
    void theTeacherExportsTheLabAsCsvWithNamesThatCannotRunAsFormulas() throws Exception {
        Lab lab = createLab("{\"corpus\":{\"preset\":\"seed-examples\"}}");
        String sneaky = join(lab, "=HYPERLINK(\"http://evil\",\"x\")");
        String run = ids(submit(sneaky, lab.code(), "[{\"model\":\"rnn\"}]", null)).get(0);
        awaitFinished(run);
        ApiTest.Reply csv = get("/api/labs/" + lab.id() + "/export.csv", lab.teacher());
        assertEquals(200, csv.status(), csv.text());
        assertTrue(csv.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        String[] lines = csv.text().split("\n");
        assertTrue(lines[0].startsWith("student,experiment,run,model,status,iterations,train_loss,val_loss"), lines[0]);
        assertEquals(2, lines.length, csv.text());
        assertTrue(lines[1].startsWith("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",\"mine\",\"" + run + "\",\"rnn\",\"completed\","), lines[1]);
        assertFalse(lines[1].contains(",,,,"), "a completed run has its numbers: " + lines[1]);
    }

    /** A run's link is shared freely: it leads a stranger to the run, not to its lab (issue 30, finding 4). */
    @Test
    void aLabRunsLinkShowsItsLabOnlyToTheLabsMembers() throws Exception {
        Lab lab = createLab(null);
        String student = join(lab, "Meera");
        ApiTest.Reply submitted = submit(student, lab.code(), "[{\"model\":\"rnn\"}]", "{\"preset\":\"seed-examples\"}");
        String run = ids(submitted).get(0);
        String experiment = submitted.body().get("id").asText();
        for (String member : List.of(student, lab.teacher())) {
            assertEquals(lab.id(), get("/api/runs/" + run, member).body().get("lab").asText());
            assertEquals(lab.id(), get("/api/experiments/" + experiment, member).body().get("lab").asText());
        }
        String stranger = ApiTest.submit(null, "[{\"model\":\"rnn\"}]", TINY).body().get("ownerToken").asText();
        for (String outsider : new String[] {null, stranger}) {
            ApiTest.Reply read = get("/api/runs/" + run, outsider);
            assertEquals(200, read.status(), "the link still opens the run");
            assertTrue(read.body().get("lab").isNull(), read.text());
            assertFalse(read.text().contains(lab.id()), read.text());
            ApiTest.Reply e = get("/api/experiments/" + experiment, outsider);
            assertTrue(e.body().get("lab").isNull(), e.text());
            assertFalse(e.text().contains(lab.id()), e.text());
        }
    }

    static List<String> ids(ApiTest.Reply submitted) {
        assertEquals(201, submitted.status(), submitted.text());
        List<String> ids = new ArrayList<>();
        submitted.body().get("runs").forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }
}
