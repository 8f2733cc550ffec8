package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any text at all: the tokenizer answers, and what it answers are words. */
class TokenizerProperties {

    @Provide
    Arbitrary<String> anyText() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.of("मराठी", "é", "e\u0301", "👩🏽‍🔬", "שלום", "مرحبا", "\u0000", "\u202E", "don't", "’s", ".", "।", "\n\n", " "));
        return pieces.list().ofMaxSize(30).map(parts -> String.join("", parts));
    }

    @Property(tries = 500)
    void neverThrowsAndYieldsOnlyNonEmptyWordsWithoutSpaces(@ForAll("anyText") String text) {
        List<List<String>> sentences = new Tokenizer(true).sentences(text);
        for (List<String> sentence : sentences) {
            assertFalse(sentence.isEmpty());
            for (String word : sentence) {
                assertFalse(word.isEmpty());
                assertTrue(word.codePoints().noneMatch(Character::isWhitespace), word);
                assertTrue(word.codePoints().noneMatch(c -> c == 0), "no NUL in a word");
            }
        }
    }

    @Property(tries = 200)
    void corpusFromAnyTextIsEitherTrainableOrRefusedNamingTheCorpus(@ForAll("anyText") String text) {
        try {
            TrainingData data = TrainingData.of(Corpus.ofText(text, true), new TrainingSettings());
            assertFalse(data.train.isEmpty());
        } catch (SettingsException e) {
            assertTrue(e.field().startsWith("corpus"), e.field());
        }
    }
}
