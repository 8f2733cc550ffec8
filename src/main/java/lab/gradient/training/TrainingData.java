package lab.gradient.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A corpus turned into windows of at most T steps, one per sentence: the window ends at the sentence's end and reaches
 * back over the whole sentences before it in its paragraph, as many as fit in T, and only the sentence's own words
 * count in the loss. So each word is trained once, with as much of what was said before as fits, and a key stated
 * sentences earlier is in the same window as its answer whenever they fit in T (windows cut at random places, or
 * starting at every sentence, hide exactly the long dependencies the app exists to show). A sentence longer than T is
 * cut into consecutive windows.
 */
public final class TrainingData {
    /**
     * A window's steps: {@code inputs[t]} predicts {@code labels[t]}; {@code longRange[t]} marks answers that depend on a
     * word far back; steps before {@code firstScored} are context only and do not count in the loss.
     */
    public record Window(int[] inputs, int[] labels, boolean[] longRange, int firstScored) {
        public Window(int[] inputs, int[] labels, boolean[] longRange) {
            this(inputs, labels, longRange, 0);
        }

        public int length() {
            return inputs.length;
        }
    }

    /** In plain text, a next word counts as long-range when it last appeared this many steps back or more. */
    public static final int TEXT_LONG_RANGE_DISTANCE = 10;
    static final int PROBE_WINDOWS = 32;

    public final Vocabulary vocabulary;
    public final List<Window> train;
    public final List<Window> validation;
    /** Fixed windows whose last step the gradient-flow probe differentiates; empty when the corpus is too short. */
    public final List<Window> probe;
    public final int window;

    private TrainingData(Vocabulary vocabulary, List<Window> train, List<Window> validation, List<Window> probe, int window) {
        this.vocabulary = vocabulary;
        this.train = train;
        this.validation = validation;
        this.probe = probe;
        this.window = window;
    }

    public static TrainingData of(Corpus corpus, TrainingSettings settings) {
        List<Corpus.Sentence> sentences = corpus.sentences();
        if (sentences.isEmpty() || corpus.tokenCount() < 3) {
            throw new SettingsException("corpus", "needs at least one sentence of two words; found "
                    + corpus.tokenCount() + " tokens");
        }
        Random random = new Random(settings.seed);
        boolean[] isValidation = new boolean[sentences.size()];
        int validationCount = sentences.size() < 2 ? 0 : (int) Math.round(sentences.size() * settings.validationFraction);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) order.add(i);
        Collections.shuffle(order, random);
        for (int i = 0; i < validationCount; i++) isValidation[order.get(i)] = true;

        List<Corpus.Sentence> trainSentences = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) if (!isValidation[i]) trainSentences.add(sentences.get(i));
        Vocabulary vocabulary = Vocabulary.build(
                trainSentences.stream().map(Corpus.Sentence::words).toList(), settings.minCount, settings.maxVocab);
        // one stream of the whole text, so each sentence's context is what was written before it
        Stream stream = Stream.of(sentences, vocabulary, corpus.hasKnownAnswers());
        boolean[] isTrain = new boolean[sentences.size()];
        for (int i = 0; i < isTrain.length; i++) isTrain[i] = !isValidation[i];
        return new TrainingData(vocabulary,
                stream.windows(settings.window, isTrain),
                stream.windows(settings.window, isValidation),
                stream.probeWindows(settings.window, corpus.hasKnownAnswers(), isTrain, new Random(settings.seed + 1)),
                settings.window);
    }

    /**
     * Sentences laid end to end, each closed by {@code <eos>}, with where each sentence starts, its paragraph, and which
     * steps are long-range.
     */
    private record Stream(int[] ids, List<Integer> sentenceStarts, int[] paragraphs, boolean[] longRangeTarget) {

        static Stream of(List<Corpus.Sentence> sentences, Vocabulary vocabulary, boolean knownAnswers) {
            int length = sentences.stream().mapToInt(s -> s.words().size() + 1).sum();
            int[] ids = new int[length];
            boolean[] longRange = new boolean[length];
            List<Integer> starts = new ArrayList<>();
            int[] paragraphs = new int[sentences.size()];
            int p = 0;
            for (int k = 0; k < sentences.size(); k++) {
                Corpus.Sentence s = sentences.get(k);
                starts.add(p);
                paragraphs[k] = s.paragraph();
                if (knownAnswers && s.answerIndex() >= 0) longRange[p + s.answerIndex()] = true;
                for (String w : s.words()) ids[p++] = vocabulary.id(w);
                ids[p++] = vocabulary.id(Vocabulary.EOS);
            }
            if (!knownAnswers) markRepeatsFarBack(ids, starts, longRange);
            return new Stream(ids, starts, paragraphs, longRange);
        }

        /** Plain text: the next word is long-range when its last occurrence in the same sentence run is ≥ 10 steps back. */
        private static void markRepeatsFarBack(int[] ids, List<Integer> starts, boolean[] longRange) {
            Map<Integer, Integer> lastSeen = new HashMap<>();
            for (int i = 0; i < ids.length; i++) {
                Integer previous = lastSeen.get(ids[i]);
                // ids 0 and 1 are <unk> and <eos>: never an answer worth remembering
                if (ids[i] > 1 && previous != null && (i - 1) - previous >= TEXT_LONG_RANGE_DISTANCE) longRange[i] = true;
                lastSeen.put(ids[i], i);
            }
        }

        int start(int k) {
            return sentenceStarts.get(k);
        }

        /** Where sentence k's last label (its {@code <eos>}) sits, plus one. */
        int end(int k) {
            return k + 1 < sentenceStarts.size() ? sentenceStarts.get(k + 1) : ids.length;
        }

        /**
         * One window per chosen sentence, ending where its {@code <eos>} is predicted, reaching back over whole earlier
         * sentences of its paragraph while the window stays within T steps; a sentence longer than T is cut in pieces.
         */
        List<Window> windows(int t, boolean[] chosen) {
            List<Window> out = new ArrayList<>();
            for (int k = 0; k < chosen.length; k++) {
                if (!chosen[k]) continue;
                int to = end(k) - 1; // slice(from, to) predicts ids[from + 1 … to]
                if (to - start(k) > t) {
                    for (int from = start(k); from < to; from += t) out.add(slice(from, Math.min(to, from + t), 0));
                    continue;
                }
                int from = start(k);
                for (int j = k - 1; j >= 0 && paragraphs[j] == paragraphs[k] && to - start(j) <= t; j--) from = start(j);
                if (to > from) out.add(slice(from, to, Math.max(0, start(k) - from - 1)));
            }
            return out;
        }

        private Window slice(int from, int to, int firstScored) {
            int n = to - from;
            int[] in = new int[n];
            int[] lab = new int[n];
            boolean[] lr = new boolean[n];
            for (int i = 0; i < n; i++) {
                in[i] = ids[from + i];
                lab[i] = ids[from + i + 1];
                lr[i] = longRangeTarget[from + i + 1];
            }
            return new Window(in, lab, lr, firstScored);
        }

        /**
         * Windows of exactly T steps whose last step predicts a long-range answer (known answers), so the key
         * word sits exactly d steps back; otherwise fixed random windows ending inside a training sentence.
         */
        List<Window> probeWindows(int t, boolean knownAnswers, boolean[] training, Random random) {
            List<Integer> ends = new ArrayList<>();
            for (int k = 0; k < training.length; k++) {
                if (!training[k]) continue;
                for (int target = Math.max(t, start(k)); target < end(k); target++) {
                    if (!knownAnswers || longRangeTarget[target]) ends.add(target);
                }
            }
            Collections.shuffle(ends, random);
            return ends.stream().limit(PROBE_WINDOWS).sorted().map(target -> slice(target - t, target, t - 1)).toList();
        }
    }
}
