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
    void trainingWindowsStartAtSentencesAndHoldWholeSentences() {
        TrainingSettings s = new TrainingSettings();
        s.window = 8;
        s.validationFraction = 0;
        TrainingData data = TrainingData.of(Corpus.ofText("a b c. d e. f g h i j k l m n o. p q.", true), s);
        Vocabulary v = data.vocabulary;
        List<TrainingData.Window> w = data.train;
        // "a b c <eos>" + "d e <eos>" fit in 8 together; the long sentence is cut at T; "p q <eos>" starts fresh
        assertEquals(words(v, "a", "b", "c", "<eos>", "d", "e", "<eos>"), ids(w.get(0).inputs()));
        assertEquals(v.id("f"), w.get(1).inputs()[0]);
        assertEquals(8, w.get(1).length());
        // after the cut, the rest of the long sentence and the short one after it share a window: "p q" stays whole
        assertEquals(words(v, "n", "o", "<eos>", "p", "q"), ids(w.get(2).inputs()));
        assertEquals(3, w.size());
        for (TrainingData.Window x : w) assertTrue(x.length() <= 8);
    }

    @Test
    void longRangePresetMarksTheAnswerAndProbeWindowsEndThere() {
        int d = 20;
        Corpus corpus = Presets.longRange(d, 200, 1);
        TrainingSettings s = TrainingSettings.forLongRange(ModelKind.LSTM, d);
        TrainingData data = TrainingData.of(corpus, s);
        for (TrainingData.Window w : data.train.subList(0, data.train.size() - 1)) {
            assertEquals(d + 3, w.length(), "one whole sentence per window: key, fillers, cue, answer, <eos>");
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
