package lab.gradient.api;

import static org.junit.jupiter.api.Assertions.fail;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Every answer the API tests receive is checked against {@code openapi.yaml} by Atlassian's OpenAPI validator: its
 * status must be documented for the operation, and its body must match that status's schema. So the document
 * cannot drift from the code again without a test failing.
 */
final class ApiContract {
    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForInlineApiSpecification(document())
            // allOf (an arm is a model and its settings) is merged before checking, so unknown fields are still caught
            .withResolveCombinators(true).build();

    private ApiContract() {}

    private static String document() {
        try (InputStream in = ApiContract.class.getResourceAsStream("/openapi.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails the test when the response does not match what the document says {@code method path} answers. */
    static void check(String method, HttpResponse<String> response) {
        String path = response.uri().getPath();
        if (!path.startsWith("/api/")) return;
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.statusCode());
        response.headers().map().forEach(answer::withHeader);
        if (!response.body().isEmpty()) answer.withBody(response.body());
        ValidationReport report = VALIDATOR.validateResponse(path, Request.Method.valueOf(method), answer.build());
        // the one answer outside the document: a route that does not exist is a 404 "no such route"
        boolean unknownRoute = response.statusCode() == 404 && report.getMessages().stream()
                .allMatch(m -> m.getKey().endsWith("path.missing") || m.getKey().endsWith("operation.notAllowed"));
        if (report.hasErrors() && !unknownRoute) {
            String body = response.body();
            fail(method + " " + path + " answered " + response.statusCode() + ", which openapi.yaml does not describe:\n"
                    + report + "\nbody: " + (body.length() > 600 ? body.substring(0, 600) + "…" : body));
        }
    }
}
