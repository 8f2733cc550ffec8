package lab.gradient.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import lab.gradient.store.Json;

/** Reading a request: its JSON body, strictly, and its query parameters, each refusal naming the field. */
final class Requests {
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final ObjectReader STRICT = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Requests() {}

    static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > MAX_BODY_BYTES) throw new ApiError(413, "the body may be at most 1 MB", null);
        if (bytes.length == 0) throw ApiError.badRequest(null, "the body must be a JSON object");
        try {
            // one JSON value and nothing after it: "{…}{…}" or "{…} x" is refused, not half read
            return STRICT.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static JsonNode objectBody(Context ctx) {
        JsonNode body = body(ctx);
        if (!body.isObject()) throw ApiError.badRequest(null, "the body must be a JSON object");
        return body;
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null) return fallback;
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name, "must be a whole number from " + min + " to " + max);
        }
    }

    /** A string field of an object body: "" when absent or null. */
    static String text(JsonNode body, String field, int maxLength) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return "";
        if (!v.isTextual()) throw ApiError.badRequest(field, "must be a string");
        if (v.asText().length() > maxLength) throw ApiError.badRequest(field, "at most " + maxLength + " characters");
        return v.asText();
    }

    /** A string field that may be absent (null) but not of another type. */
    static String optionalText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiError.badRequest(field, "must be a string");
        return v.asText();
    }
}
