package lab.gradient.runs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Who is asking. A caller proves ownership with the token issued when it first submitted (a Bearer header for the
 * API, an HttpOnly cookie in the browser); the database keeps only a hash of it, so the owner column cannot be
 * replayed as a token.
 */
public final class OwnerTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private OwnerTokens() {}

    /** 256 random bits, URL-safe: drawn only by {@link IssuedTokens}, which records it. */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String ownerOf(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of two owner ids. */
    public static boolean sameOwner(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
