package lab.gradient.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The corpora shipped with the app. */
public final class Presets {
    public static final List<String> NAMES = List.of("seed-examples", "long-range", "english-prose");
    public static final int DEFAULT_DISTANCE = 20;
    public static final int MAX_DISTANCE = 150;

    /** Language → where it is spoken: the notes' "Marathi … is spoken in Maharashtra", many steps apart. */
    static final String[][] KEYS = {
        {"marathi", "maharashtra"}, {"tamil", "tamilnadu"}, {"bengali", "bengal"}, {"gujarati", "gujarat"},
        {"kannada", "karnataka"}, {"telugu", "andhra"}, {"punjabi", "punjab"}, {"malayalam", "kerala"},
    };
    /** Filler words: random, so that nothing between the key and the answer predicts the answer. */
    static final String[] FILLERS = {
        "we", "went", "there", "last", "year", "a", "beautiful", "place", "but", "could", "not", "enjoy", "it",
        "properly", "because", "the", "people", "were", "kind", "and", "food", "was", "good", "rain", "came",
        "every", "evening", "my", "friend", "said", "trains", "are", "slow", "markets", "busy", "songs", "old",
        "roads", "long", "tea", "hot"
    };
    static final String CUE = "in";

    private Presets() {}

    public static Corpus load(String name, int distance, long seed) {
        return switch (name) {
            case "seed-examples" -> Corpus.ofText(resource("seed-examples.txt"), true);
            case "english-prose" -> Corpus.ofText(resource("english-prose.txt"), true);
            case "long-range" -> longRange(distance, 2000, seed);
            default -> throw new SettingsException("corpus.preset",
                    "unknown preset '" + name + "'; choose one of " + String.join(", ", NAMES));
        };
    }

    /**
     * {@code key f1 … f(d-1) in answer}: the step that reads "in" must predict the answer, and the only word
     * that tells which answer is the key, exactly d steps back. A vanilla RNN must carry it through d factors
     * ∂o_t/∂o_{t-1}; the LSTM's cell state gives it a shorter road.
     */
    public static Corpus longRange(int distance, int sentences, long seed) {
        if (distance < 2 || distance > MAX_DISTANCE) {
            throw new SettingsException("corpus.distance", "distance must be between 2 and " + MAX_DISTANCE + ", was " + distance);
        }
        Random random = new Random(seed);
        List<Corpus.Sentence> out = new ArrayList<>(sentences);
        for (int s = 0; s < sentences; s++) {
            String[] pair = KEYS[random.nextInt(KEYS.length)];
            List<String> words = new ArrayList<>(distance + 2);
            words.add(pair[0]);
            for (int i = 1; i < distance; i++) words.add(FILLERS[random.nextInt(FILLERS.length)]);
            words.add(CUE);
            words.add(pair[1]);
            // each sentence its own paragraph: nothing in an earlier sentence tells this one's answer
            out.add(new Corpus.Sentence(words, distance + 1, s));
        }
        return new Corpus("long-range", out, distance);
    }

    /** Long-range accuracy of guessing: one of the answers, uniformly (a model that never learned the key does about this well). */
    /**
     * Refuses a window that cannot hold the key: on the long-range task the answer depends on a word {@code distance}
     * back, so a window of {@code distance} or fewer steps never sees both, and its gradient-flow probe at d has no
     * window to measure (the run would say "too early to say" for ever).
     */
    public static void requireWindowReaches(int distance, int window, String field) {
        if (window <= distance) {
            throw new SettingsException(field, "the long-range key is " + distance + " words back: the window must be longer than "
                    + distance + " (the preset's own is " + (distance + 4) + "), was " + window);
        }
    }

    public static double longRangeGuessing() {
        return 1.0 / KEYS.length;
    }

    static String resource(String file) {
        try (InputStream in = Presets.class.getResourceAsStream("/presets/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
