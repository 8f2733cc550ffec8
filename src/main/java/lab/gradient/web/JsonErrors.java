package lab.gradient.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import lab.gradient.model.Json;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before any route runs (a malformed or over-long URI, a bad header): in the API's JSON
 * shape {@code {"error"}}, with the security headers every other response carries, never an HTML page.
 */
final class JsonErrors extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        HttpFields.Mutable headers = response.getHeaders();
        decorate(headers);
        response.write(true, body(code, message), callback);
    }

    private static void decorate(HttpFields.Mutable headers) {
        SecurityHeaders.HEADERS.forEach(headers::put);
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    private static ByteBuffer body(int status, String message) {
        String reason = HttpStatus.getMessage(status);
        String text = message == null || message.isBlank() || message.equals(reason) ? reason : reason + ": " + message;
        return ByteBuffer.wrap(Json.write(Map.of("error", text)).getBytes(StandardCharsets.UTF_8));
    }
}
