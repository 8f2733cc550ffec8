package lab.gradient.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.Version;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HealthApiTest {
    static Server server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServers.startInMemory();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthReportsVersionAndDatabase() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertEquals("ok", body.get("status").asText());
        assertEquals("ok", body.get("db").asText());
        assertEquals(Version.VALUE, body.get("version").asText());
    }

    @Test
    void vaadinServesTheRootOnTheSamePort() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(true, response.body().contains("window.Vaadin"), "the UI page is Vaadin's bootstrap page");
    }
}
