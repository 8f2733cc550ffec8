package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorpusTest {
    final Tokenizer tokenizer = new Tokenizer(true);

    @Test
    void wordsKeepDevanagariMarksAccentsAndApostrophes() {
        assertEquals(List.of("मराठी", "महाराष्ट्र", "में", "बोली", "जाती", "है"), tokenizer.words("मराठी महाराष्ट्र में बोली जाती है"));
        assertEquals(List.of("l'été", "à", "zürich", "don't", "it's"), tokenizer.words("L’été à Zürich — don't, it's!"));
        assertEquals(List.of("marathi", "is", "spoken", "in", "maharashtra"), tokenizer.words("Marathi is spoken in Maharashtra."));
    }

    @Test
    void blankLinesSeparateParagraphs() {
        assertEquals(List.of(List.of(List.of("a", "b"), List.of("c")), List.of(List.of("d"))), tokenizer.paragraphs("A b. C\n \nD."));
    }

    @Test
    void sentencesEndAtPunctuationDandaAndBlankLines() {
        List<List<String>> s = tokenizer.sentences("One two. Three four! मराठी है। Five\n\nSix seven");
        assertEquals(List.of(List.of("one", "two"), List.of("three", "four"), List.of("मराठी", "है"),
                List.of("five"), List.of("six", "seven")), s);
    }

    @Test
    void edgeCases() {
        assertTrue(tokenizer.sentences("").isEmpty());
        assertTrue(tokenizer.sentences("?!... ,;").isEmpty(), "only punctuation");
        assertEquals(List.of(List.of("word")), tokenizer.sentences("word"));
        assertEquals(List.of(List.of("mixed", "मराठी", "and", "日本語", "123")), tokenizer.sentences("Mixed मराठी and 日本語 123"));
        assertEquals(List.of("Case"), new Tokenizer(false).words("Case"));
    }

    @Test
    void tooSmallCorpusIsRefusedNamingTheField() {
        TrainingSettings s = new TrainingSettings();
        SettingsException e = assertThrows(SettingsException.class, () -> TrainingData.of(Corpus.ofText("", true), s));
        assertEquals("corpus", e.field());
        assertThrows(SettingsException.class, () -> TrainingData.of(Corpus.ofText("?!", true), s));
        assertThrows(SettingsException.class, () -> TrainingData.of(Corpus.ofText("one", true), s));
    }

    @Test
    void vocabularyCapsAndMinimumCountMapTheRestToUnknown() {
        List<List<String>> sentences = List.of(List.of("a", "a", "a", "b", "b", "c"));
        Vocabulary v = Vocabulary.build(sentences, 2, 3);
        assertEquals(List.of(Vocabulary.UNK, Vocabulary.EOS, "a"), v.words());
        assertEquals(0, v.id("b"));
        assertEquals(0, v.id("never-seen"));
        assertEquals(List.of(Vocabulary.UNK, Vocabulary.EOS, "a", "b"), Vocabulary.build(sentences, 2, 100).words());
    }

    @Test
    void eachSentenceIsTrainedOnceWithTheWholeSentencesBeforeItInItsParagraphAsContext() {
        TrainingSettings s = new TrainingSettings();
        s.window = 8;
        s.validationFraction = 0;
        TrainingData data = TrainingData.of(Corpus.ofText("a b c. d e. f g h i j k l m n o. p q.\n\nr s. t u.", true), s);
        Vocabulary v = data.vocabulary;
        List<TrainingData.Window> w = data.train;
        // "a b c": no context, scored from its second word; the window ends predicting its <eos>
        assertEquals(words(v, "a", "b", "c"), ids(w.get(0).inputs()));
        assertEquals(words(v, "b", "c", "<eos>"), ids(w.get(0).labels()));
        assertEquals(0, w.get(0).firstScored());
        // "d e" with "a b c" before it (6 steps ≤ 8): only "d e <eos>" count, "d" predicted from the <eos> before it
        assertEquals(words(v, "a", "b", "c", "<eos>", "d", "e"), ids(w.get(1).inputs()));
        assertEquals(3, w.get(1).firstScored());
        assertEquals(v.id("d"), w.get(1).labels()[3]);
        // the 10-word sentence does not fit with anything: cut at T, every step counts
        assertEquals(words(v, "f", "g", "h", "i", "j", "k", "l", "m"), ids(w.get(2).inputs()));
        assertEquals(words(v, "n", "o"), ids(w.get(3).inputs()));
        // "p q" reaches back only as far as whole sentences fit: the long one does not
        assertEquals(words(v, "p", "q"), ids(w.get(4).inputs()));
        // a blank line starts a new paragraph: "t u" sees "r s", never "p q"
        assertEquals(words(v, "r", "s"), ids(w.get(5).inputs()));
        assertEquals(words(v, "r", "s", "<eos>", "t", "u"), ids(w.get(6).inputs()));
        assertEquals(7, w.size());
        for (TrainingData.Window x : w) assertTrue(x.length() <= 8);
    }

    /** A fact stated, a filler sentence, the fact recalled: the key and its answer share a window when they fit in T. */
    @Test
    void aDependencyAcrossSentencesIsInOneWindow() {
        TrainingSettings s = new TrainingSettings();
        s.window = 20;
        s.validationFraction = 0;
        TrainingData data = TrainingData.of(Corpus.ofText("i speak marathi. we went there last year. i do not understand marathi.", true), s);
        TrainingData.Window last = data.train.get(data.train.size() - 1);
        List<String> inputs = ids(last.inputs()).stream().map(data.vocabulary::word).toList();
        assertEquals("i", inputs.get(0));
        assertTrue(inputs.subList(0, 4).contains("marathi"), "the key is in the answer's window: " + inputs);
        assertEquals("marathi", data.vocabulary.word(last.labels()[last.length() - 2]));
    }

    @Test
    void longRangePresetMarksTheAnswerAndProbeWindowsEndThere() {
        int d = 20;
        Corpus corpus = Presets.longRange(d, 200, 1);
        TrainingSettings s = TrainingSettings.forLongRange(ModelKind.LSTM, d);
        TrainingData data = TrainingData.of(corpus, s);
        for (TrainingData.Window w : data.train.subList(0, data.train.size() - 1)) {
            assertEquals(d + 2, w.length(), "one whole sentence per window: key, fillers, cue, answer → <eos>");
            assertTrue(w.longRange()[d], "the step reading the cue predicts the answer");
            assertEquals(1, count(w.longRange()));
        }
        assertEquals(TrainingData.PROBE_WINDOWS, data.probe.size());
        for (TrainingData.Window p : data.probe) {
            assertEquals(s.window, p.length());
            assertTrue(p.longRange()[s.window - 1], "the probe differentiates the answer's step");
            String key = data.vocabulary.word(p.inputs()[s.window - 1 - d]);
            String answer = data.vocabulary.word(p.labels()[s.window - 1]);
            assertTrue(java.util.Arrays.stream(Presets.KEYS).anyMatch(k -> k[0].equals(key) && k[1].equals(answer)),
                    "the key sits exactly d steps back: " + key + " → " + answer);
        }
    }

    @Test
    void plainTextMarksRepeatsFarBack() {
        TrainingSettings s = new TrainingSettings();
        s.validationFraction = 0;
        TrainingData data = TrainingData.of(Corpus.ofText("river a b c d e f g h i j river k river", true), s);
        TrainingData.Window w = data.train.get(0);
        // inputs: river a … j river k → the second "river" (label at step 10) last appeared 10 steps back
        assertTrue(w.longRange()[10]);
        assertFalse(w.longRange()[12], "the third river was seen 2 steps back: short range");
    }

    @Test
    void splitIsDeterministicBySeed() {
        Corpus corpus = Corpus.ofText(Presets.resource("english-prose.txt"), true);
        TrainingSettings s = new TrainingSettings();
        TrainingData a = TrainingData.of(corpus, s), b = TrainingData.of(corpus, s);
        assertEquals(a.validation.size(), b.validation.size());
        for (int i = 0; i < a.validation.size(); i++) assertEquals(ids(a.validation.get(i).inputs()), ids(b.validation.get(i).inputs()));
        s.seed = 7;
        TrainingData c = TrainingData.of(corpus, s);
        org.junit.jupiter.api.Assertions.assertNotEquals(
                a.validation.stream().map(w -> ids(w.inputs())).toList(),
                c.validation.stream().map(w -> ids(w.inputs())).toList(), "another seed, another split");
    }

    @Test
    void aMegabyteOfMixedScriptTextBecomesTrainingData() {
        String sentencePair = "Marathi is spoken in Maharashtra. मराठी महाराष्ट्र में बोली जाती है। ";
        int pairBytes = sentencePair.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int pairs = Corpus.MAX_TEXT_BYTES / pairBytes;
        String text = sentencePair.repeat(pairs);
        assertTrue(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Corpus.MAX_TEXT_BYTES - pairBytes);
        Corpus corpus = Corpus.ofText(text, true);
        assertEquals(2 * pairs, corpus.sentences().size());
        TrainingData data = TrainingData.of(corpus, new TrainingSettings());
        assertEquals(13, data.vocabulary.size(), "<unk>, <eos> and 11 words");
    }

    @Test
    void moreThanAMegabyteIsRefusedNamingTheField() {
        String text = "a".repeat(Corpus.MAX_TEXT_BYTES) + " b";
        SettingsException e = assertThrows(SettingsException.class, () -> Corpus.ofText(text, true));
        assertEquals("corpus.text", e.field());
        assertTrue(e.reason().contains("1 MB"), e.reason());
    }

    private static List<Integer> ids(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    private static List<Integer> words(Vocabulary v, String... w) {
        return java.util.Arrays.stream(w).map(v::id).toList();
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) if (x) n++;
        return n;
    }
}
