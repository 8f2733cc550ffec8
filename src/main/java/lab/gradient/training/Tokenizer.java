package lab.gradient.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into sentences of words. A word is a run of letters, combining marks and digits (so Devanagari
 * "मराठी" with its vowel signs stays one word), with inner apostrophes kept ("don't", "l'été").
 * Sentences end at . ! ? । ॥ … or a blank line; a blank line also ends a paragraph. The trainer appends
 * {@link Vocabulary#EOS} to each sentence.
 */
public final class Tokenizer {
    private static final Pattern PARAGRAPH_END = Pattern.compile("\\R\\s*\\R");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?।॥…]+");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}\\p{N}]+(?:['’][\\p{L}\\p{M}\\p{N}]+)*");

    private final boolean lowerCase;

    public Tokenizer(boolean lowerCase) {
        this.lowerCase = lowerCase;
    }

    public List<List<String>> sentences(String text) {
        return paragraphs(text).stream().flatMap(List::stream).toList();
    }

    /** Paragraphs (separated by blank lines) of sentences of words; empty ones left out. */
    public List<List<List<String>>> paragraphs(String text) {
        List<List<List<String>>> paragraphs = new ArrayList<>();
        for (String block : PARAGRAPH_END.split(text)) {
            List<List<String>> sentences = new ArrayList<>();
            for (String piece : SENTENCE_END.split(block)) {
                List<String> words = words(piece);
                if (!words.isEmpty()) sentences.add(words);
            }
            if (!sentences.isEmpty()) paragraphs.add(sentences);
        }
        return paragraphs;
    }

    public List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String word = m.group().replace('’', '\'');
            words.add(lowerCase ? word.toLowerCase(Locale.ROOT) : word);
        }
        return words;
    }
}
