package lab.gradient.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The API's contract: {@code openapi.yaml}, written by hand beside the routes, served as {@code /api/openapi.json},
 * and rendered by Swagger UI at {@code /api/docs}. A test fails when a route is missing from it.
 */
final class OpenApiDocs {
    private static final String SWAGGER_UI = "/META-INF/resources/webjars/swagger-ui/5.32.6/";
    private static final Pattern ASSET = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript", "css", "text/css", "png", "image/png",
            "html", "text/html", "map", "application/json");

    private OpenApiDocs() {}

    static JsonNode document() {
        try (InputStream in = OpenApiDocs.class.getResourceAsStream("/openapi.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void register(JavalinConfig config) {
        JsonNode document = document();
        config.routes.get("/api/openapi.json", ctx -> ctx.json(document));
        config.routes.get("/api/docs", ctx -> ctx.html("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Gradient Lab API</title>
                <link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
                <body><div id="swagger-ui"></div>
                <script src="/api/docs/swagger-ui-bundle.js"></script>
                <script src="/api/docs/start.js"></script></body></html>
                """));
        config.routes.get("/api/docs/{asset}", OpenApiDocs::asset);
    }

    private static void asset(Context ctx) throws IOException {
        String name = ctx.pathParam("asset");
        if (name.equals("start.js")) {
            ctx.contentType("text/javascript").result("SwaggerUIBundle({url: '/api/openapi.json', dom_id: '#swagger-ui'});");
            return;
        }
        InputStream in = ASSET.matcher(name).matches() ? OpenApiDocs.class.getResourceAsStream(SWAGGER_UI + name) : null;
        if (in == null) throw ApiError.notFound("file");
        String extension = name.substring(name.lastIndexOf('.') + 1);
        ctx.contentType(TYPES.getOrDefault(extension, "application/octet-stream")).result(in.readAllBytes());
        in.close();
    }
}
