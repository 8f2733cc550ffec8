package lab.gradient.runs;

import java.text.Normalizer;
import lab.gradient.training.SettingsException;

/**
 * The one rule for every name a person types (an experiment's, a lab's, a student's): spaces trimmed and runs of
 * them made one, NFC, no control or invisible formatting characters (the zero-width joiner of emoji sequences
 * excepted), no broken UTF-16 (a lone surrogate would be stored as '?'), and a length counted in characters.
 */
public final class Names {
    private static final int ZERO_WIDTH_JOINER = 0x200D;

    private Names() {}

    /** The name as it will be stored and shown, possibly empty; refused with {@code field} if it breaks the rule. */
    public static String clean(String field, String typed, int maxCharacters) {
        if (typed == null) return "";
        for (int i = 0; i < typed.length(); i++) {
            char c = typed.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < typed.length() && Character.isLowSurrogate(typed.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new SettingsException(field, "contains a broken character (a lone UTF-16 surrogate at position " + i + ")");
            }
        }
        String name = Normalizer.normalize(typed, Normalizer.Form.NFC).strip().replaceAll("\\s+", " ");
        if (name.codePointCount(0, name.length()) > maxCharacters) throw new SettingsException(field, "at most " + maxCharacters + " characters");
        if (name.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL
                || Character.getType(c) == Character.FORMAT && c != ZERO_WIDTH_JOINER)) {
            throw new SettingsException(field, "may not contain control or invisible formatting characters");
        }
        return name;
    }
}
