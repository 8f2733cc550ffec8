package lab.gradient.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a request: its JSON body, strictly, and its query parameters, each refusal naming the field. */
final class Requests {
    static final int MAX_BODY_BYTES = 1 << 20;
    /**
     * One JSON value and nothing after it ("{…}{…}" or "{…} x" is refused, not half read), each key once in an object
     * (a second "model" does not quietly win), and numbers only as JSON writes them (no NaN or Infinity).
     */
    private static final ObjectReader STRICT = JsonMapper.builder().build().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private Requests() {}

    /**
     * The request's JSON body. Only {@code Content-Type: application/json} is read (415 otherwise: a form or a text/plain
     * body, the kinds another site's page can send, is never parsed), only as valid UTF-8, and no text in it may hold half
     * of a surrogate pair (it could not be stored as sent).
     */
    static JsonNode body(Context ctx) {
        requireJson(ctx.contentType());
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > MAX_BODY_BYTES) throw new ApiError(413, "the body may be at most 1 MB", null);
        if (bytes.length == 0) throw ApiError.badRequest(null, "the body must be a JSON object");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest(null, "the body is not valid UTF-8");
        }
        JsonNode body;
        try {
            body = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            Matcher duplicate = DUPLICATE.matcher(e.getOriginalMessage());
            if (duplicate.find()) throw ApiError.badRequest(duplicate.group(1), "given twice; give each field once");
            throw ApiError.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        requireWholeCharacters(body, "");
        return body;
    }

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

    private static void requireJson(String contentType) {
        String[] parts = contentType == null ? new String[] {""} : contentType.split(";");
        boolean json = parts[0].trim().equalsIgnoreCase("application/json");
        for (int i = 1; i < parts.length && json; i++) {
            String[] parameter = parts[i].trim().split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset")) {
                json = parameter.length == 2 && parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8");
            }
        }
        if (!json) {
            throw new ApiError(415, "send the body as JSON with Content-Type: application/json (was "
                    + (contentType == null || contentType.isBlank() ? "none" : "'" + contentType + "'") + ")", null);
        }
    }

    /** Refuses a text (a value or a key) holding a lone surrogate, naming where: "arms[0].model". */
    private static void requireWholeCharacters(JsonNode node, String path) {
        if (node.isTextual() && !whole(node.textValue())) throw ApiError.badRequest(path.isEmpty() ? null : path, "holds an unpaired surrogate (half a character)");
        if (node.isArray()) for (int i = 0; i < node.size(); i++) requireWholeCharacters(node.get(i), path + "[" + i + "]");
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var field = it.next();
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (!whole(field.getKey())) throw ApiError.badRequest(path.isEmpty() ? null : path, "a field name holds an unpaired surrogate");
                requireWholeCharacters(field.getValue(), at);
            }
        }
    }

    private static boolean whole(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) return false;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
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
