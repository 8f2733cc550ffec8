package lab.gradient.store;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable URL-safe ids: 16 base64url characters, over 95 random bits, so a run's link can be shared as a read-only
 * capability. The first is a letter or digit: an id starting with "-" reads as a formula in a spreadsheet, and a CSV
 * export would have to change it.
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId() {
        byte[] bytes = new byte[12];
        while (true) {
            RANDOM.nextBytes(bytes);
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (Character.isLetterOrDigit(id.charAt(0))) return id;
        }
    }
}
