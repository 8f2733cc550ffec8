package lab.gradient.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import lab.gradient.model.Json;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java half of {@code scripts/bench}: training throughput in tokens per second (batch × window per second) of one
 * model, measured three ways back to back, {@code repeats} times, interleaved so that drift hits all three alike:
 * <ol>
 *   <li>{@code plain}: DL4J's {@code ComputationGraph.fit} in a loop over prebuilt batches, no listener;</li>
 *   <li>{@code trainer}: Gradient Lab's trainer (per-iteration gradient norms, clipping check, update ratios, batches
 *       built each step), no gradient-flow probe;</li>
 *   <li>{@code trainer+probe}: the same with the gradient-flow probe and spectrum every {@code probeEvery} (50, the
 *       default) iterations.</li>
 * </ol>
 * Same graph each time (embedding 64 → recurrent layer, hidden 128 → softmax over 1,000 words), window 35, batch 32,
 * Adam, float32, one thread per operation. Prints one JSON line per measurement. A third argument measures only the
 * plain loop: {@code threads N} with N threads per operation, {@code two-workers N} two loops at once (the server's
 * two workers; their summed tokens/s), {@code no-workspaces} without DL4J's workspaces.
 */
public final class ThroughputBenchmark {
    static final int VOCABULARY = 1000, HIDDEN = 128, WINDOW = 35, BATCH = 32, WARM_UP = 10, MEASURED = 50;

    public static void main(String[] args) {
        String model = args[0];
        int repeats = Integer.parseInt(args[1]);
        NativeBackend.warmUp();
        ModelKind kind = ModelKind.of(model);
        Corpus corpus = syntheticCorpus();
        String variant = args.length > 2 ? args[2] : "";
        switch (variant) {
            case "no-workspaces" -> {
                // DL4J's workspaces (reused off-heap scratch memory, on by default) switched off
                for (int r = 0; r < repeats; r++) print(model, "plain-no-workspaces", r, plain(kind, corpus, WorkspaceMode.NONE));
                return;
            }
            case "threads" -> {
                // N threads per operation, one worker (the server's workers use one thread each)
                int threads = Integer.parseInt(args[3]);
                NativeBackend.useThreads(threads);
                for (int r = 0; r < repeats; r++) print(model, "plain-" + threads + "-threads", r, plain(kind, corpus, WorkspaceMode.ENABLED));
                return;
            }
            case "two-workers" -> {
                // what the server does on 2 cores: two training loops at once, N threads per operation; their sum
                int threads = Integer.parseInt(args[3]);
                NativeBackend.useThreads(threads);
                for (int r = 0; r < repeats; r++) print(model, "two-workers-" + threads + "-threads", r, twoWorkers(kind, corpus));
                return;
            }
            default -> { }
        }
        // one discarded round first: the JIT compiles our engine's kernels (the Vector API's code runs interpreted until
        // then, several times slower), as a server's JVM long has; without it the first round's trainer ran at half speed
        trainer(kind, corpus, 1_000_000);
        for (int r = 0; r < repeats; r++) {
            print(model, "plain", r, plain(kind, corpus, WorkspaceMode.ENABLED));
            print(model, "trainer", r, trainer(kind, corpus, 1_000_000));
            print(model, "trainer+probe", r, trainer(kind, corpus, new TrainingSettings().probeEvery));
        }
    }

    static void print(String model, String way, int repeat, double tokensPerSecond) {
        System.out.println(Json.write(java.util.Map.of("model", model, "way", way, "repeat", repeat,
                "tokensPerSecond", Math.round(tokensPerSecond))));
    }

    /**
     * 998 made-up words (with {@code <unk>} and {@code <eos>}: a vocabulary of 1,000) in sentences of 2·T words: each
     * cut into two windows of exactly T = 35 steps, every step counted, as PyTorch's side trains. (Until 2026-12-05 the
     * sentences had 20 words, so every window had 20 steps while tokens/s counted 35: figures before then are 1.75× too
     * high, for DL4J and our trainer alike.)
     */
    static Corpus syntheticCorpus() {
        Random random = new Random(7);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < VOCABULARY - 2; i++) words.add(String.format(Locale.ROOT, "w%03d", i));
        List<Corpus.Sentence> sentences = new ArrayList<>();
        int needed = (WARM_UP + MEASURED + 5) * BATCH * WINDOW * 2; // ample for one epoch: no evaluation inside the window
        for (int tokens = 0; tokens < needed; tokens += 2 * WINDOW) {
            List<String> s = new ArrayList<>();
            for (int i = 0; i < 2 * WINDOW; i++) s.add(words.get(random.nextInt(words.size())));
            sentences.add(new Corpus.Sentence(s));
        }
        return new Corpus("synthetic", sentences, 0);
    }

    static TrainingSettings settings() {
        TrainingSettings s = new TrainingSettings();
        s.hidden = HIDDEN;
        s.window = WINDOW;
        s.batch = BATCH;
        s.maxVocab = VOCABULARY + 10;
        s.epochs = 1;
        return s;
    }

    static double plain(ModelKind kind, Corpus corpus, WorkspaceMode workspaces) {
        TrainingSettings s = settings();
        Nd4j.getRandom().setSeed(s.seed);
        TrainingData data = TrainingData.of(corpus, s);
        if (data.vocabulary.size() != VOCABULARY) throw new IllegalStateException("vocabulary " + data.vocabulary.size());
        // tokens/s counts BATCH × WINDOW tokens an iteration: every window must be WINDOW steps, every step counted
        for (TrainingData.Window w : data.train) {
            if (w.length() != WINDOW || w.firstScored() != 0) throw new IllegalStateException("a window of " + w.length() + " steps from " + w.firstScored());
        }
        Network network = Network.build(kind, s, data.vocabulary.size(), DataType.FLOAT);
        // fit reads both modes: with the training mode alone set to NONE, ND4J still counted 18 MB of workspaces
        network.model.getConfiguration().setTrainingWorkspaceMode(workspaces);
        network.model.getConfiguration().setInferenceWorkspaceMode(workspaces);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 10; i++) batches.add(Batch.of(data.train.subList(i * BATCH, (i + 1) * BATCH), VOCABULARY, DataType.FLOAT));
        for (int i = 0; i < WARM_UP; i++) network.fit(batches.get(i % batches.size()));
        long t0 = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) network.fit(batches.get(i % batches.size()));
        return tokensPerSecond(System.nanoTime() - t0);
    }

    static double twoWorkers(ModelKind kind, Corpus corpus) {
        CompletableFuture<Double> other = CompletableFuture.supplyAsync(() -> plain(kind, corpus, WorkspaceMode.ENABLED));
        return plain(kind, corpus, WorkspaceMode.ENABLED) + other.join();
    }

    static double trainer(ModelKind kind, Corpus corpus, int probeEvery) {
        TrainingSettings s = settings();
        s.probeEvery = probeEvery;
        s.maxIterations = WARM_UP + MEASURED + 1;
        double[] at = new double[2];
        TrainingResult result = new Trainer(corpus, kind, s).train(new TrainingObserver() {
            @Override
            public void onIteration(IterationMetrics m) {
                // seconds since the run began, taken after each step's bookkeeping: the window holds iterations
                // WARM_UP+1 … WARM_UP+MEASURED and the probes between them (the one at iteration 50); the last
                // iteration exists only so that the run's final probe falls outside the window
                if (m.iteration() == WARM_UP) at[0] = m.seconds();
                if (m.iteration() == WARM_UP + MEASURED) at[1] = m.seconds();
            }
        }, () -> false);
        if (result.summary().iterations() != WARM_UP + MEASURED + 1) throw new IllegalStateException("ran " + result.summary().iterations());
        return tokensPerSecond((long) ((at[1] - at[0]) * 1e9));
    }

    static double tokensPerSecond(long nanos) {
        return (double) MEASURED * BATCH * WINDOW / (nanos / 1e9);
    }
}
