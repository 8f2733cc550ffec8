package lab.gradient.training;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gradient-lab train}: trains models side by side without the web server and prints a summary table. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains models side by side on a preset or a text file and prints a summary table.")
public final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", description = "Corpus preset: seed-examples, long-range or english-prose (default long-range).")
    String preset;

    @Option(names = "--text", paramLabel = "FILE", description = "Train on this UTF-8 text file instead of a preset.")
    Path text;

    @Option(names = "--distance", defaultValue = "20", description = "long-range: words between the key and its answer (default ${DEFAULT-VALUE}).")
    int distance;

    @Option(names = "--models", split = ",", defaultValue = "rnn,lstm",
            description = "Comma-separated models: rnn, rnn-relu, rnn-leaky, irnn, lstm (default ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--iterations", description = "Stop after this many iterations (default: the preset's).")
    Integer iterations;

    @Option(names = "--epochs", description = "Epochs (default: the preset's).")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "42", description = "Seed: the same seed and settings give the same numbers (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--window", description = "BPTT window T (default: 35, or distance + 4 for long-range).")
    Integer window;

    @Option(names = "--hidden", description = "Hidden units (default: 128, or 64 for long-range).")
    Integer hidden;

    @Option(names = "--learning-rate", description = "Learning rate (default 0.01; 0.001 for irnn).")
    Double learningRate;

    @Option(names = "--clip", description = "Gradient clipping: none, norm, layer-norm, value (default none).")
    String clip;

    @Option(names = "--clip-threshold", description = "Clipping threshold τ (default 1.0).")
    Double clipThreshold;

    @Override
    public Integer call() throws Exception {
        if (preset != null && text != null) throw new IllegalArgumentException("--preset and --text exclude each other");
        String presetName = text == null ? (preset == null ? "long-range" : preset) : null;
        Corpus corpus = text != null ? Corpus.ofText(readText(text), true) : Presets.load(presetName, distance, seed);
        List<ModelKind> kinds = models.stream().map(String::trim).map(ModelKind::of).toList();

        List<Callable<TrainingResult>> jobs = new ArrayList<>();
        for (ModelKind kind : kinds) {
            TrainingSettings s = corpus.hasKnownAnswers() ? TrainingSettings.forLongRange(kind, distance)
                    : new TrainingSettings().tunedFor(kind);
            s.seed = seed;
            if (iterations != null) s.maxIterations = iterations;
            if (epochs != null) s.epochs = epochs;
            if (window != null) s.window = window;
            if (hidden != null) s.hidden = hidden;
            if (learningRate != null) s.learningRate = learningRate;
            if (clip != null) s.clip = TrainingSettings.ClipMode.valueOf(clip.toUpperCase(Locale.ROOT).replace('-', '_'));
            if (clipThreshold != null) s.clipThreshold = clipThreshold;
            Trainer trainer = new Trainer(corpus, kind, s);
            jobs.add(() -> trainer.train(TrainingObserver.NONE, () -> false));
        }
        NativeBackend.warmUp();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(kinds.size(), Runtime.getRuntime().availableProcessors()));
        List<TrainingResult> results = new ArrayList<>();
        try {
            for (Future<TrainingResult> f : pool.invokeAll(jobs)) results.add(f.get());
        } finally {
            pool.shutdown();
        }
        print(spec.commandLine().getOut(), kinds, results);
        return 0;
    }

    private static String readText(Path file) throws IOException {
        if (Files.size(file) > 1_000_000) throw new IllegalArgumentException("--text: the corpus may be at most 1 MB");
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void print(PrintWriter out, List<ModelKind> kinds, List<TrainingResult> results) {
        int d = results.get(0).summary().flowDistance();
        String gHeader = "g(" + d + ")/g(0)";
        out.printf(Locale.ROOT, "%-10s %-10s %6s %10s %10s %10s %10s %12s %12s %8s%n", "model", "status", "iters",
                "train loss", "val loss", "perplexity", "long-range", gHeader, "max |grad|", "seconds");
        for (int i = 0; i < kinds.size(); i++) {
            TrainingResult.Summary s = results.get(i).summary();
            out.printf(Locale.ROOT, "%-10s %-10s %6d %10.4f %10.4f %10.2f %10.3f %12.3e %12.3e %8.1f%n", kinds.get(i).id,
                    results.get(i).status().name().toLowerCase(Locale.ROOT), s.iterations(), s.trainLoss(), s.valLoss(),
                    s.valPerplexity(), s.longRangeAccuracy(), s.gradientFlowRatio(), s.maxGradNorm(), s.seconds());
        }
        out.flush();
    }
}
