package lab.gradient.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who is asking. A caller proves ownership with the token issued when it first submitted; the database keeps only
 * a hash of it, so the owner column cannot be replayed as a token.
 */
final class Owners {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Owners() {}

    /** 256 random bits, URL-safe. */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String ownerOf(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<String> token(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        String token = header.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** The caller's owner id, or 401. */
    static String require(Context ctx) {
        return token(ctx).map(Owners::ownerOf).orElseThrow(ApiError::unauthorized);
    }

    /** 401 without a token, 403 with someone else's: compared in constant time. */
    static void requireOwner(Context ctx, String owner) {
        String caller = require(ctx);
        if (!MessageDigest.isEqual(caller.getBytes(StandardCharsets.UTF_8), owner.getBytes(StandardCharsets.UTF_8))) {
            throw ApiError.forbidden();
        }
    }
}
