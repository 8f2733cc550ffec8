package lab.gradient.api;

import static lab.gradient.api.ApiTest.assertError;
import static lab.gradient.api.ApiTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import lab.gradient.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One strict parser for every body (issue 30, finding 6): JSON only when sent as JSON, each key once, numbers of the
 * wrong type refused by their field (a sweep's seed as an experiment's), and only whole characters. Real HTTP.
 */
class StrictBodyTest {
    static final String EXPERIMENT = "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],\"training\":" + ApiTest.TINY + "}";

    @BeforeAll
    static void start() {
        ApiTest.server = TestServers.startInMemory();
    }

    @AfterAll
    static void stop() {
        ApiTest.server.close();
    }

    static HttpResponse<String> raw(String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + ApiTest.server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        HttpResponse<String> r = ApiTest.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        ApiContract.check("POST", r);
        return r;
    }

    @Test
    void aBodyNotSentAsJsonIsRefusedWith415AndNothingIsStored() throws Exception {
        byte[] body = EXPERIMENT.getBytes(StandardCharsets.UTF_8);
        for (String type : new String[] {null, "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/json; charset=latin1"}) {
            HttpResponse<String> r = raw("/api/experiments", type, body);
            assertEquals(415, r.statusCode(), type + ": " + r.body());
            assertTrue(r.body().startsWith("{\"error\":\"send the body as JSON with Content-Type: application/json"), r.body());
        }
        for (String type : new String[] {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\""}) {
            assertEquals(201, raw("/api/experiments", type, body).statusCode(), type);
        }
        assertEquals(415, raw("/api/labs", "text/plain", "{\"name\":\"lab\"}".getBytes(StandardCharsets.UTF_8)).statusCode());
    }

    @Test
    void aKeyGivenTwiceIsRefusedByName() throws Exception {
        // the last "model" won before: an LSTM trained where the first said rnn
        assertError(post("/api/experiments", "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\",\"model\":\"lstm\"}],"
                + "\"training\":" + ApiTest.TINY + "}", null), 400, "model");
        assertError(post("/api/labs", "{\"name\":\"a\",\"name\":\"b\"}", null), 400, "name");
        assertError(post("/api/sweeps", "{\"seeds\":1,\"seeds\":2}", null), 400, "seeds");
    }

    @Test
    void aSweepsSeedIsReadAsAnExperimentsSeed() throws Exception {
        for (String seed : new String[] {"NaN", "null", "[]", "{}", "1e309", "\"5\"", "true", "1.5", "Infinity", "99999999999999999999"}) {
            ApiTest.Reply r = post("/api/sweeps", "{\"models\":[\"rnn\"],\"distances\":[5],\"training\":{\"maxIterations\":5,\"seed\":" + seed + "}}", null);
            if (seed.equals("NaN") || seed.equals("Infinity")) {
                assertError(r, 400, null); // not JSON at all
            } else {
                assertError(r, 400, "training.seed");
            }
            ApiTest.Reply e = post("/api/experiments", "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[\"rnn\"],\"training\":{\"seed\":" + seed + "}}", null);
            assertEquals(400, e.status(), seed + ": " + e.text());
        }
    }

    @Test
    void halfACharacterIsRefusedWhereverItIs() throws Exception {
        // a lone surrogate was stored as "?": refused, naming the field
        assertError(post("/api/labs", "{\"name\":\"lab \\udc00\"}", null), 400, "name");
        assertError(post("/api/experiments", "{\"corpus\":{\"text\":\"one two three \\ud800 four five six.\"},\"arms\":[\"rnn\"]}", null), 400, "corpus.text");
        assertError(post("/api/experiments", "{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\\ud83d\"}]}", null), 400,
                "arms[0].model");
        // an invalid UTF-8 byte was read as U+FFFD: refused
        byte[] body = "{\"name\":\"caf?\"}".getBytes(StandardCharsets.UTF_8);
        body[12] = (byte) 0xFF; // never a byte of UTF-8
        HttpResponse<String> r = raw("/api/labs", "application/json", body);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("not valid UTF-8"), r.body());
        // a whole character outside the BMP is fine
        assertEquals(201, post("/api/labs", "{\"name\":\"lab \\ud83d\\ude00\"}", null).status());
    }
}
