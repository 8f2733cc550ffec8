package lab.gradient.training;

import java.util.List;

/**
 * Sentences of words, as training sees them, in paragraphs. A sentence may mark one word as a long-range answer: the
 * {@code long-range} preset knows that the word at {@code answerIndex} depends on one exactly {@code distance}
 * steps before the step that predicts it. A sentence is trained with the sentences before it in its paragraph as
 * context (as many as fit in the window), so a fact stated two sentences earlier can be recalled.
 */
public record Corpus(String name, List<Sentence> sentences, int distance) {

    public record Sentence(List<String> words, int answerIndex, int paragraph) {
        public Sentence(List<String> words) {
            this(words, -1, 0);
        }
    }

    /** The largest corpus text accepted, in UTF-8 bytes. */
    public static final int MAX_TEXT_BYTES = 1_000_000;

    /** A corpus of the user's own text: no known long-range positions. */
    public static Corpus ofText(String text, boolean lowerCase) {
        int bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_TEXT_BYTES) {
            throw new CorpusTooLarge("corpus.text", "may be at most 1 MB (" + MAX_TEXT_BYTES + " bytes), was " + bytes + " bytes");
        }
        List<Sentence> sentences = new java.util.ArrayList<>();
        List<List<List<String>>> paragraphs = new Tokenizer(lowerCase).paragraphs(text);
        for (int p = 0; p < paragraphs.size(); p++) {
            for (List<String> words : paragraphs.get(p)) sentences.add(new Sentence(words, -1, p));
        }
        return new Corpus("text", List.copyOf(sentences), 0);
    }

    public boolean hasKnownAnswers() {
        return distance > 0;
    }

    public int tokenCount() {
        return sentences.stream().mapToInt(s -> s.words().size() + 1).sum();
    }
}
