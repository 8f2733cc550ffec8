package lab.gradient.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Ids are ours, not user text: none may start with a character a spreadsheet reads as a formula, or a teacher's CSV
 * export would guard (and so change) it (issue 30, finding 8: one id in 64 started with "-").
 */
class IdsTest {
    @Test
    void noIdStartsLikeAFormulaAndEachIsSixteenUrlSafeCharactersAndUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = Ids.newId();
            assertEquals(16, id.length(), id);
            assertTrue(id.matches("[A-Za-z0-9][A-Za-z0-9_-]{15}"), id);
            assertTrue(seen.add(id), "drawn twice: " + id);
        }
    }
}
