package lab.gradient.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Word ↔ id. Words seen fewer than {@code minCount} times, or beyond the cap, become {@code <unk>}. */
public final class Vocabulary {
    public static final String UNK = "<unk>";
    public static final String EOS = "<eos>";

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();

    public Vocabulary(List<String> words) {
        this.words = List.copyOf(words);
        for (int i = 0; i < this.words.size(); i++) ids.put(this.words.get(i), i);
    }

    /** Most frequent first, ties in order of first appearance, so the same corpus always gives the same ids. */
    public static Vocabulary build(List<List<String>> sentences, int minCount, int maxSize) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (List<String> sentence : sentences) {
            for (String w : sentence) counts.merge(w, 1, Integer::sum);
        }
        List<String> words = new ArrayList<>(List.of(UNK, EOS));
        counts.entrySet().stream()
                .filter(e -> e.getValue() >= minCount && !e.getKey().equals(UNK) && !e.getKey().equals(EOS))
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(Math.max(0, maxSize - 2))
                .forEach(e -> words.add(e.getKey()));
        return new Vocabulary(words);
    }

    public int size() {
        return words.size();
    }

    public int id(String word) {
        return ids.getOrDefault(word, 0);
    }

    public boolean contains(String word) {
        return ids.containsKey(word);
    }

    public String word(int id) {
        return words.get(id);
    }

    public List<String> words() {
        return words;
    }
}
