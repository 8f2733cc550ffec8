package lab.gradient.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import lab.gradient.training.engine.RecurrentEngine;

/** Asks a trained model for the next word: top-k with probabilities, or a generated continuation. */
public final class Predictor {
    private static final Pattern SENTENCE_CLOSED = Pattern.compile("[.!?।॥…]\\s*$");

    private final TrainedModel trained;
    private final Tokenizer tokenizer;

    public Predictor(TrainedModel trained) {
        this.trained = trained;
        this.tokenizer = new Tokenizer(trained.lowerCase());
    }

    public Prediction next(String prefix, int k) {
        if (k < 1 || k > 100) throw new SettingsException("k", "must be between 1 and 100, was " + k);
        String text = prefix == null ? "" : prefix;
        List<String> words = tokenizer.words(text);
        double[] p = distribution(ids(text));
        List<Prediction.WordProbability> top = IntStream.range(0, p.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -p[i]))
                .limit(k)
                .map(i -> new Prediction.WordProbability(trained.vocabulary().word(i), p[i]))
                .toList();
        return new Prediction(top, unknown(words));
    }

    /**
     * {@code temperature} 0 is greedy; higher spreads the choice. Stops early at the end of a sentence. The model reads
     * the prefix (its last window T) once and then one word per step, carrying its recurrent state (our engine's
     * {@link RecurrentEngine#read}): a continuation costs one step per word.
     */
    public Generation generate(String prefix, int count, double temperature, long seed) {
        return generate(prefix, count, temperature, seed, true);
    }

    /** {@code stepByStep} false re-reads the latest window for every word (the check that stepping says the same). */
    Generation generate(String prefix, int count, double temperature, long seed, boolean stepByStep) {
        if (count < 1 || count > 200) throw new SettingsException("words", "must be between 1 and 200, was " + count);
        if (!(temperature >= 0 && temperature <= 10)) throw new SettingsException("temperature", "must be between 0 and 10, was " + temperature);
        String text = prefix == null ? "" : prefix;
        List<String> words = tokenizer.words(text);
        List<Integer> context = new ArrayList<>(ids(text));
        List<String> generated = new ArrayList<>();
        Random random = new Random(seed);
        Vocabulary vocabulary = trained.vocabulary();
        RecurrentEngine engine = trained.reader();
        synchronized (engine) { // one model may serve several requests; the engine's state is not reentrant
            double[] p = distribution(context);
            float[] next = new float[vocabulary.size()];
            for (int i = 0; i < count; i++) {
                int word = temperature == 0 ? argmax(p) : sample(p, temperature, random);
                if (word == vocabulary.id(Vocabulary.EOS)) break;
                generated.add(vocabulary.word(word));
                context.add(word);
                if (i + 1 == count) break;
                if (stepByStep) {
                    engine.read(word, next);
                    p = toDoubles(next);
                } else {
                    p = distribution(context);
                }
            }
        }
        return new Generation(String.join(" ", generated), generated, unknown(words));
    }

    /**
     * The prefix as a training window reads text: the sentences of its last paragraph from the paragraph's first word,
     * each closed by {@code <eos>}, so an earlier sentence is context just as in training. A prefix that ends with a full
     * stop asks for the next sentence's first word.
     */
    private List<Integer> ids(String prefix) {
        Vocabulary vocabulary = trained.vocabulary();
        List<Integer> ids = new ArrayList<>();
        List<List<List<String>>> paragraphs = tokenizer.paragraphs(prefix);
        List<List<String>> sentences = paragraphs.isEmpty() ? List.of() : paragraphs.get(paragraphs.size() - 1);
        boolean closed = SENTENCE_CLOSED.matcher(prefix).find();
        for (int i = 0; i < sentences.size(); i++) {
            sentences.get(i).forEach(w -> ids.add(vocabulary.id(w)));
            if (i < sentences.size() - 1 || closed) ids.add(vocabulary.id(Vocabulary.EOS));
        }
        // an empty prefix asks what starts a sentence: the model reads "<eos>" as "a sentence just ended"
        if (ids.isEmpty()) ids.add(vocabulary.id(Vocabulary.EOS));
        return ids;
    }

    /** The tokens the model reads for {@code prefix}: its latest window T, as {@link #next} reads it. */
    List<Integer> contextIds(String prefix) {
        return window(ids(prefix));
    }

    private List<String> unknown(List<String> words) {
        return words.stream().filter(w -> !trained.vocabulary().contains(w)).distinct().toList();
    }

    /**
     * The next word's distribution after {@code ids}, read as the model was trained: at most its window T of the latest
     * tokens (it never learned from longer contexts), which also bounds the cost of one answer however long the prefix.
     * Our engine reads them word by word from the zero state; its state is then the last word's.
     */
    double[] distribution(List<Integer> ids) {
        RecurrentEngine engine = trained.reader();
        float[] p = new float[trained.vocabulary().size()];
        synchronized (engine) { // one model may serve several requests; the engine's passes are not reentrant
            engine.startReading();
            for (int id : window(ids)) engine.read(id, p);
        }
        return toDoubles(p);
    }

    /** The latest window T of the context: as long a context as the model learned from. */
    private List<Integer> window(List<Integer> ids) {
        return ids.subList(Math.max(0, ids.size() - trained.settings().window), ids.size());
    }

    private static double[] toDoubles(float[] p) {
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) out[i] = p[i];
        return out;
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }

    private static int sample(double[] p, double temperature, Random random) {
        double[] w = new double[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += w[i] = Math.pow(Math.max(p[i], 1e-30), 1 / temperature);
        double r = random.nextDouble() * sum;
        for (int i = 0; i < w.length; i++) if ((r -= w[i]) <= 0) return i;
        return w.length - 1;
    }
}
