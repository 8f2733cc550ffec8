package lab.gradient.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A corpus turned into windows of at most T steps. Training windows start at sentence boundaries and hold
 * whole sentences where they fit, so a dependency inside a sentence of ≤ T words is never cut in two (windows
 * cut at random places hide exactly the long dependencies the app exists to show).
 */
public final class TrainingData {
    /** A window's steps: {@code inputs[t]} predicts {@code labels[t]}; {@code longRange[t]} marks answers that depend on a word far back. */
    public record Window(int[] inputs, int[] labels, boolean[] longRange) {
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
        List<Corpus.Sentence> validationSentences = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            (isValidation[i] ? validationSentences : trainSentences).add(sentences.get(i));
        }
        Vocabulary vocabulary = Vocabulary.build(
                trainSentences.stream().map(Corpus.Sentence::words).toList(), settings.minCount, settings.maxVocab);
        Stream trainStream = Stream.of(trainSentences, vocabulary, corpus.hasKnownAnswers());
        Stream validationStream = Stream.of(validationSentences, vocabulary, corpus.hasKnownAnswers());
        return new TrainingData(vocabulary,
                trainStream.windows(settings.window),
                validationStream.windows(settings.window),
                trainStream.probeWindows(settings.window, corpus.hasKnownAnswers(), new Random(settings.seed + 1)),
                settings.window);
    }

    /** Sentences laid end to end, each closed by {@code <eos>}, with where each sentence starts and which steps are long-range. */
    private record Stream(int[] ids, List<Integer> sentenceStarts, boolean[] longRangeTarget) {

        static Stream of(List<Corpus.Sentence> sentences, Vocabulary vocabulary, boolean knownAnswers) {
            int length = sentences.stream().mapToInt(s -> s.words().size() + 1).sum();
            int[] ids = new int[length];
            boolean[] longRange = new boolean[length];
            List<Integer> starts = new ArrayList<>();
            int p = 0;
            for (Corpus.Sentence s : sentences) {
                starts.add(p);
                if (knownAnswers && s.answerIndex() >= 0) longRange[p + s.answerIndex()] = true;
                for (String w : s.words()) ids[p++] = vocabulary.id(w);
                ids[p++] = vocabulary.id(Vocabulary.EOS);
            }
            if (!knownAnswers) markRepeatsFarBack(ids, starts, longRange);
            return new Stream(ids, starts, longRange);
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

        /** Greedy packing: from a sentence start, take whole sentences while they fit in T; a longer sentence is cut. */
        List<Window> windows(int t) {
            List<Window> out = new ArrayList<>();
            int last = ids.length - 1; // the final token has nothing to predict
            int s = 0;
            int nextSentence = 0;
            while (s < last) {
                while (nextSentence < sentenceStarts.size() && sentenceStarts.get(nextSentence) <= s) nextSentence++;
                int end = s + t;
                int fitEnd = s;
                for (int k = nextSentence; k <= sentenceStarts.size(); k++) {
                    int boundary = k < sentenceStarts.size() ? sentenceStarts.get(k) : ids.length;
                    if (boundary - s > t) break;
                    fitEnd = boundary;
                }
                end = Math.min(fitEnd > s ? fitEnd : end, last);
                out.add(slice(s, end));
                s = end;
            }
            return out;
        }

        private Window slice(int from, int to) {
            int n = to - from;
            int[] in = new int[n];
            int[] lab = new int[n];
            boolean[] lr = new boolean[n];
            for (int i = 0; i < n; i++) {
                in[i] = ids[from + i];
                lab[i] = ids[from + i + 1];
                lr[i] = longRangeTarget[from + i + 1];
            }
            return new Window(in, lab, lr);
        }

        /**
         * Windows of exactly T steps whose last step predicts a long-range answer (known answers), so the key
         * word sits exactly d steps back; otherwise fixed random windows.
         */
        List<Window> probeWindows(int t, boolean knownAnswers, Random random) {
            List<Integer> ends = new ArrayList<>();
            for (int target = t; target < ids.length; target++) {
                if (!knownAnswers || longRangeTarget[target]) ends.add(target);
            }
            Collections.shuffle(ends, random);
            return ends.stream().limit(PROBE_WINDOWS).sorted().map(target -> slice(target - t, target)).toList();
        }
    }
}
