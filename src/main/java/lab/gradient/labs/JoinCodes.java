package lab.gradient.labs;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Join codes a teacher reads aloud and students type on phones: six characters from an alphabet without the
 * look-alikes 0/O, 1/l/I (31 symbols, about 887 million codes). Typing is forgiving: case and spaces do not matter.
 */
public final class JoinCodes {
    static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    static final int LENGTH = 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    private JoinCodes() {}

    public static String newCode() {
        StringBuilder code = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return code.toString();
    }

    /** The code as stored: upper case, without spaces or dashes. */
    public static String normalise(String typed) {
        return typed == null ? "" : typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    }
}
