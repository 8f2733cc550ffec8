package lab.gradient.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import lab.gradient.labs.LabException;
import lab.gradient.runs.NotFound;
import lab.gradient.runs.NotPermitted;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunEnded;
import lab.gradient.runs.SubmissionRefused;
import lab.gradient.training.CorpusTooLarge;
import lab.gradient.training.SettingsException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every refusal of the services as its HTTP status and {@code {"error", "field"?}}; never a stack trace. */
final class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {}

    static void register(JavalinConfig config) {
        var r = config.routes;
        r.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage(), e.field));
        r.exception(SettingsException.class, (e, ctx) -> error(ctx, e instanceof CorpusTooLarge ? 413 : 400, e.reason(), e.field()));
        r.exception(NotFound.class, (e, ctx) -> error(ctx, 404, e.getMessage(), null));
        r.exception(NotPermitted.class, (e, ctx) -> error(ctx, e.anonymous ? 401 : 403, e.anonymous
                ? e.getMessage() + ": send its token as Authorization: Bearer <token>" : e.getMessage(), null));
        r.exception(RunEnded.class, (e, ctx) -> error(ctx, 409, e.getMessage(), null));
        r.exception(LabException.class, (e, ctx) -> error(ctx, switch (e.reason()) {
            case NOT_FOUND -> 404;
            case NOT_A_MEMBER -> Owners.token(ctx).isPresent() ? 403 : 401;
            case FORBIDDEN -> 403;
            case NAME_TAKEN -> 409;
        }, e.getMessage(), e.field()));
        r.exception(SubmissionRefused.class, (e, ctx) -> {
            if (e instanceof RateLimits.Limited limited) ctx.header("Retry-After", String.valueOf(limited.retryAfterSeconds));
            error(ctx, 429, e.getMessage(), null);
        });
        r.exception(lab.gradient.runs.Busy.class, (e, ctx) -> {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds));
            error(ctx, 503, e.getMessage(), null);
        });
        r.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                e.getStatus() == 413 ? "the body may be at most 1 MB" : e.getMessage(), null));
        r.exception(Exception.class, (e, ctx) -> {
            Throwable abort = clientAbort(e);
            if (abort != null) {
                // a client that stopped sending (or was too slow) is the client's doing: one line, no stack trace
                log.info("request body not received on {} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), abort.toString());
                error(ctx, abort instanceof HttpException h && h.getCode() == 408 ? 408 : 400, "the request body did not arrive in full", null);
                return;
            }
            String id = UUID.randomUUID().toString().substring(0, 8);
            log.error("unexpected error {} on {} {}", id, ctx.method(), ctx.path(), e);
            error(ctx, 500, "unexpected error; it was logged as " + id, null);
        });
        // an Error (OutOfMemoryError, StackOverflowError) is not an Exception: Javalin hands it here, not to the mappers
        // above, and answered it with an empty text/plain 500
        config.router.javaLangErrorHandler((response, error) -> {
            String id = UUID.randomUUID().toString().substring(0, 8);
            log.error("unexpected error {}", id, error);
            try {
                response.setStatus(500);
                response.setContentType("application/json");
                response.getWriter().write("{\"error\":\"unexpected error; it was logged as " + id + "\"}");
            } catch (java.io.IOException | IllegalStateException e) {
                log.warn("could not answer error {}: {}", id, e.toString());
            }
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || !ctx.res().getContentType().startsWith("application/json")) {
                error(ctx, 404, "no such route: " + ctx.method() + " " + ctx.path(), null);
            }
        });
    }

    /** The cause that says the client went away or sent too slowly, or null if {@code e} is something else. */
    static Throwable clientAbort(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EofException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof HttpException h && (h.getCode() == 408 || h.getCode() == 400)) {
                return t;
            }
        }
        return null;
    }

    private static void error(Context ctx, int status, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (field != null) body.put("field", field);
        ctx.status(status).json(body);
    }
}
