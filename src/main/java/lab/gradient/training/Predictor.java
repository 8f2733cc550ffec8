package lab.gradient.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Asks a trained model for the next word: top-k with probabilities, or a generated continuation. */
public final class Predictor {
    public record WordProbability(String word, double p) {}

    /** {@code unknown}: words of the prefix the model never saw; they were read as {@code <unk>}, not dropped. */
    public record Prediction(List<WordProbability> predictions, List<String> unknown) {}

    public record Generation(String text, List<String> words, List<String> unknown) {}

    private final TrainedModel trained;
    private final Tokenizer tokenizer;

    public Predictor(TrainedModel trained) {
        this.trained = trained;
        this.tokenizer = new Tokenizer(trained.lowerCase());
    }

    public Prediction next(String prefix, int k) {
        if (k < 1 || k > 100) throw new SettingsException("k", "must be between 1 and 100, was " + k);
        List<String> words = tokenizer.words(prefix == null ? "" : prefix);
        double[] p = distribution(ids(words));
        List<WordProbability> top = IntStream.range(0, p.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -p[i]))
                .limit(k)
                .map(i -> new WordProbability(trained.vocabulary().word(i), p[i]))
                .toList();
        return new Prediction(top, unknown(words));
    }

    /** {@code temperature} 0 is greedy; higher spreads the choice. Stops early at the end of a sentence. */
    public Generation generate(String prefix, int count, double temperature, long seed) {
        if (count < 1 || count > 200) throw new SettingsException("words", "must be between 1 and 200, was " + count);
        if (!(temperature >= 0 && temperature <= 10)) throw new SettingsException("temperature", "must be between 0 and 10, was " + temperature);
        List<String> words = tokenizer.words(prefix == null ? "" : prefix);
        List<Integer> context = new ArrayList<>(ids(words));
        List<String> generated = new ArrayList<>();
        Random random = new Random(seed);
        Vocabulary vocabulary = trained.vocabulary();
        for (int i = 0; i < count; i++) {
            double[] p = distribution(context);
            int next = temperature == 0 ? argmax(p) : sample(p, temperature, random);
            if (next == vocabulary.id(Vocabulary.EOS)) break;
            generated.add(vocabulary.word(next));
            context.add(next);
        }
        return new Generation(String.join(" ", generated), generated, unknown(words));
    }

    /** The prefix starts a sentence, as in training: after an {@code <eos>}. */
    private List<Integer> ids(List<String> words) {
        List<Integer> ids = new ArrayList<>();
        ids.add(trained.vocabulary().id(Vocabulary.EOS));
        words.forEach(w -> ids.add(trained.vocabulary().id(w)));
        return ids;
    }

    private List<String> unknown(List<String> words) {
        return words.stream().filter(w -> !trained.vocabulary().contains(w)).distinct().toList();
    }

    private double[] distribution(List<Integer> ids) {
        Network network = trained.network();
        float[] in = new float[ids.size()];
        for (int i = 0; i < in.length; i++) in[i] = ids.get(i);
        INDArray features = Nd4j.create(in, new long[] {1, in.length}, 'c').castTo(network.model.params().dataType());
        INDArray out;
        synchronized (network.model) { // one model may serve several requests; DL4J's forward pass is not reentrant
            out = network.output(features, null, null);
        }
        return out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(in.length - 1)).toDoubleVector();
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
