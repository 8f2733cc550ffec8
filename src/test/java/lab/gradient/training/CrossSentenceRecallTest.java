package lab.gradient.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The notes' own example crosses sentences ("Marathi is spoken in Maharashtra. I went there last year … because I do not
 * understand Marathi."). Typed as plain text, in paragraphs: a fact stated amid filler words, then recalled in the next
 * sentence. Each sentence trains with the sentences before it as context, so the key and its answer share a window; the
 * LSTM learns to recall the language across the sentence end and the tanh RNN does not, asked on unseen paragraphs.
 * On five seeds (corpus, split, initialisation and order all change with the seed), 1,400 iterations each: the LSTM
 * recalls ≥ 0.7 and the tanh RNN ≤ 0.3 (guessing: 0.125) on at least four. On our engine a seed takes ~5 s beside the
 * RNN, so the five run in the default suite (on DL4J they took ten minutes and ran apart); docs/lessons.md has them.
 */
class CrossSentenceRecallTest {
    static final String[] LANGUAGES = {"marathi", "tamil", "bengali", "gujarati", "kannada", "telugu", "punjabi", "malayalam"};
    static final int FILLER_WORDS = 18;

    /** "i speak tamil f f … f (18 filler words). so i understand tamil.": the key 22 steps before the answer is asked. */
    static String paragraph(Random random, String language, boolean withAnswer) {
        StringBuilder p = new StringBuilder("i speak " + language);
        for (int w = 0; w < FILLER_WORDS; w++) p.append(' ').append(Presets.FILLERS[random.nextInt(Presets.FILLERS.length)]);
        return p.append(". so i understand").append(withAnswer ? " " + language + "." : "").toString();
    }

    static String corpus(int paragraphs, long seed) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < paragraphs; i++) out.add(paragraph(random, LANGUAGES[random.nextInt(LANGUAGES.length)], true));
        return String.join("\n\n", out);
    }

    /** Share of unseen paragraphs whose recalled language the model puts first. */
    static double recall(TrainedModel model, long seed) {
        Random random = new Random(seed);
        Predictor predictor = new Predictor(model);
        int right = 0, n = 64;
        for (int i = 0; i < n; i++) {
            String language = LANGUAGES[random.nextInt(LANGUAGES.length)];
            if (predictor.next(paragraph(random, language, false), 1).predictions().get(0).word().equals(language)) right++;
        }
        return (double) right / n;
    }

    static TrainingSettings settings(ModelKind kind, long seed) {
        TrainingSettings s = new TrainingSettings();
        s.seed = seed;
        s.window = 28; // the whole paragraph: 22 + 4 tokens before the last <eos>
        s.hidden = 64;
        s.embedding = 32;
        s.epochs = 1000;
        s.maxIterations = 1400;
        s.probeEvery = 250;
        s.forgetBias = kind.isLstm() ? 3 : 1;
        return s;
    }

    @Test
    void theLstmRecallsAFactFromTheSentenceBeforeAndTheTanhRnnDoesNotOnFourOfFiveSeeds() throws Exception {
        int held = 0;
        StringBuilder seen = new StringBuilder();
        for (long seed = 1; seed <= 5; seed++) {
            double[] r = recallBoth(seed);
            if (r[0] >= 0.7 && r[1] <= 0.3) held++;
            seen.append(String.format(Locale.ROOT, " seed %d: lstm %.2f rnn %.2f;", seed, r[0], r[1]));
        }
        assertTrue(held >= 4, "held on " + held + " of 5:" + seen);
    }

    /** {lstm, rnn} recall after training both, side by side on two threads, on the corpus of this seed. */
    static double[] recallBoth(long seed) throws Exception {
        NativeBackend.warmUp();
        Corpus corpus = Corpus.ofText(corpus(600, seed), true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<TrainingResult> lstm = pool.submit(() -> new Trainer(corpus, ModelKind.LSTM, settings(ModelKind.LSTM, seed)).train(TrainingObserver.NONE, () -> false));
            Future<TrainingResult> rnn = pool.submit(() -> new Trainer(corpus, ModelKind.RNN, settings(ModelKind.RNN, seed)).train(TrainingObserver.NONE, () -> false));
            double lstmRecall = recall(lstm.get().model(), seed + 98), rnnRecall = recall(rnn.get().model(), seed + 98);
            System.out.printf(Locale.ROOT, "cross-sentence recall, seed %d: lstm %.2f (%.0f s), rnn %.2f (%.0f s)%n", seed, lstmRecall,
                    lstm.get().summary().seconds(), rnnRecall, rnn.get().summary().seconds());
            return new double[] {lstmRecall, rnnRecall};
        } finally {
            pool.shutdownNow();
        }
    }
}
