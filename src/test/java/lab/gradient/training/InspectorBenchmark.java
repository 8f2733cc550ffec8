package lab.gradient.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What one sentence x-ray costs at the default window (35) and hidden 128, per model, as the server runs it (float
 * models, the inspector built once per model and reused): 5 warm-up inspections, then the median and max of 30, of a
 * 35-word sentence of the long-range preset. Writes {@code target/benchmark-inspect.txt}; docs/benchmarks.md has the
 * figures and the command.
 */
@Tag("benchmark")
class InspectorBenchmark {
    static final int WARM_UP = 5, MEASURED = 30;

    @Test
    void oneInspectionAtWindow35AndHidden128() throws Exception {
        NativeBackend.warmUp();
        Corpus corpus = Presets.load("long-range", 30, 1);
        List<String> lines = new ArrayList<>(List.of("model | hidden | words read | median ms | max ms"));
        for (ModelKind kind : List.of(ModelKind.RNN, ModelKind.LSTM)) {
            TrainingSettings s = new TrainingSettings().tunedFor(kind);
            s.hidden = 128;
            s.window = 35;
            TrainingData data = TrainingData.of(corpus, s);
            Network network = Network.build(kind, s, data.vocabulary.size(), DataType.FLOAT);
            TrainedModel trained = new TrainedModel(network, data.vocabulary, s, true);
            Inspector inspector = new Inspector(trained);
            // a sentence of 35 words or more: the model reads its last 35
            StringBuilder text = new StringBuilder();
            for (Corpus.Sentence sentence : corpus.sentences()) {
                text.append(String.join(" ", sentence.words())).append(". ");
                if (text.toString().split(" ").length > 40) break;
            }
            int words = 0;
            for (int i = 0; i < WARM_UP; i++) words = inspector.inspect(text.toString(), null).words().size();
            double[] ms = new double[MEASURED];
            for (int i = 0; i < MEASURED; i++) {
                long t0 = System.nanoTime();
                inspector.inspect(text.toString(), null);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            lines.add(String.format(Locale.ROOT, "%s | %d | %d | %.1f | %.1f", kind.id, s.hidden, words, ms[MEASURED / 2], ms[MEASURED - 1]));
        }
        String report = String.join("\n", lines);
        System.out.println(report);
        Files.writeString(Path.of("target/benchmark-inspect.txt"), report + "\n");
    }
}
