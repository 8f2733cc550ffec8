package lab.gradient.api;

import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import lab.gradient.runs.OwnerTokens;

/** The caller's owner identity, from {@code Authorization: Bearer <token>}. */
final class Owners {
    private Owners() {}

    static Optional<String> token(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        String token = header.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** The caller's owner id, or 401. */
    static String require(Context ctx) {
        return token(ctx).map(OwnerTokens::ownerOf).orElseThrow(ApiError::unauthorized);
    }

    /** The caller's owner ids, for the services' permission rules: none without a token. */
    static List<String> callers(Context ctx) {
        return token(ctx).map(OwnerTokens::ownerOf).map(List::of).orElse(List.of());
    }
}
