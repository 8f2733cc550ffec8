package lab.gradient.store;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable URL-safe ids: 96 random bits, so a run's link can be shared as a read-only capability. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
