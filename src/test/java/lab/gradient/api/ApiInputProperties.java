package lab.gradient.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import lab.gradient.Server;
import lab.gradient.TestServers;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Whatever arrives over HTTP, the API answers with a JSON refusal, never a 500. */
class ApiInputProperties {
    static Server server;
    static final HttpClient http = HttpClient.newHttpClient();
    /** A token this server issued (a lab's teacher token): made-up ones are refused before any route reads a body. */
    static String token;

    @BeforeContainer
    static void start() throws Exception {
        server = TestServers.startInMemory();
        HttpResponse<String> lab = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/labs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"properties\"}")).build(), HttpResponse.BodyHandlers.ofString());
        token = lab.body().replaceAll(".*\"teacherToken\":\"([^\"]+)\".*", "$1");
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Provide
    Arbitrary<String> anyBody() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.of("{}", "[]", "null", "1", "\"x\"", "{\"corpus\":null}", "{\"corpus\":{\"text\":1},\"arms\":1}",
                        "{\"corpus\":{\"preset\":\"long-range\",\"distance\":1e9},\"arms\":[{\"model\":\"rnn\"}]}",
                        "{\"corpus\":{\"text\":\"a b. c d.\"},\"arms\":[{\"model\":\"rnn\",\"hidden\":-1}]}",
                        "{\"corpus\":{\"text\":\"a b\"},\"arms\":[{\"model\":\"rnn\"}],\"training\":{\"clip\":{\"threshold\":\"NaN\"}}}",
                        "{\"corpus\":{\"text\":\"a b\"},\"arms\":[{\"model\":\"rnn\"}],\"training\":{\"learningRate\":NaN}}",
                        "{\"corpus\":{\"text\":\"a b\"},\"arms\":[{\"model\":\"rnn\"}],\"training\":{\"initScale\":Infinity}}",
                        "{\"corpus\":{\"text\":\"\\u0000\\u202e\"},\"arms\":[{\"model\":\"lstm\"}]}"),
                Arbitraries.strings().withChars("{}[]\":,0123456789abcnrtu\\ ").ofMaxLength(80));
    }

    @Provide
    Arbitrary<String> anyPath() {
        return Arbitraries.of("/api/experiments", "/api/runs/x/predict", "/api/runs/x/generate", "/api/runs/x/cancel");
    }

    @Property(tries = 300)
    void noBodyMakesTheServerFail(@ForAll("anyPath") String path, @ForAll("anyBody") String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() < 500, r.statusCode() + " for " + body + ": " + r.body());
        if (r.statusCode() >= 400) assertTrue(r.body().startsWith("{\"error\":"), r.body());
        ApiContract.check("POST", r);
    }

    @Property(tries = 200)
    void noQueryMakesTheServerFail(@ForAll("query") String query) throws Exception {
        String encoded = java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8);
        for (String path : new String[] {"/api/runs?limit=" + encoded + "&status=" + encoded + "&q=" + encoded,
                "/api/compare?runs=" + encoded + "&maxPoints=" + encoded}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() < 500, r.statusCode() + " for " + path + ": " + r.body());
            ApiContract.check("GET", r);
        }
    }

    @Provide
    Arbitrary<String> query() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.of("0", "-1", "201", "99999999999", "NaN", "%", "_", "\\", "' OR 1=1 --", "a,b,c,d,e,f,g,h,i,j,k"));
    }
}
