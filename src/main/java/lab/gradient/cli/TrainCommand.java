package lab.gradient.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import lab.gradient.labs.LabService;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.LessonLabs;
import lab.gradient.lessons.LessonService;
import lab.gradient.lessons.Lessons;
import lab.gradient.model.Json;
import lab.gradient.model.Run;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.store.LabStore;
import lab.gradient.store.RunStore;
import lab.gradient.store.SeedGroupStore;
import lab.gradient.store.SweepStore;
import lab.gradient.store.TokenStore;
import lab.gradient.sweeps.SweepService;
import lab.gradient.training.NativeBackend;
import lab.gradient.training.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradient-lab train}: the command line's front door. It writes the same experiment body the API takes (or
 * takes a lesson's), submits it to the same run service on a private in-memory database, waits, and prints a
 * side-by-side table; for a lesson, also each check of its signature.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains models side by side on a preset, a text file, a guided lesson or a distance sweep and prints a summary table.")
public final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--lesson", description = "Run a guided lesson exactly as defined: vanishing, exploding, irnn, skip, learning-rate, leaky-relu.")
    String lesson;

    @Option(names = "--experiment", paramLabel = "FILE",
            description = "Train the experiment in this JSON file: the body POST /api/experiments takes (GET /api/lessons shows examples).")
    Path experimentFile;

    @Option(names = "--preset", description = "Corpus preset: seed-examples, long-range or english-prose (default long-range).")
    String preset;

    @Option(names = "--text", paramLabel = "FILE", description = "Train on this UTF-8 text file instead of a preset.")
    Path text;

    @Option(names = "--distance", description = "long-range: words between the key and its answer (default 20).")
    Integer distance;

    @Option(names = "--models", split = ",",
            description = "Comma-separated models: rnn, rnn-relu, rnn-leaky, irnn, rnn-skip, lstm (default rnn,lstm; for --sweep "
                    + "the distance-sweep lesson's: rnn, and lstm with its forget gate open).")
    List<String> models;

    @Option(names = "--sweep", description = "A distance sweep on long-range: one run per model, distance and seed, then a table of "
            + "long-range accuracy and g(d)/g(0) against distance (the body POST /api/sweeps takes).")
    boolean sweep;

    @Option(names = "--distances", split = ",", paramLabel = "D", description = "--sweep: the distances (default 5,10,15,20,25,30).")
    List<Integer> distances;

    @Option(names = "--seeds", description = "--lesson: train the lesson on this many seeds from --seed and count on how many its "
            + "signature holds (default 1; 5 is the lesson's group). --sweep: seeds per point (default 1; the first is --seed).")
    Integer seeds;

    @Option(names = "--iterations", description = "Stop after this many iterations (default: the preset's).")
    Integer iterations;

    @Option(names = "--epochs", description = "Epochs (default: the preset's).")
    Integer epochs;

    @Option(names = "--seed", description = "Seed: the same seed and settings give the same numbers (default 42).")
    Long seed;

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
        Lesson chosen = lesson == null ? null : Lessons.byId(lesson).orElseThrow(() -> new IllegalArgumentException(
                "--lesson: unknown lesson '" + lesson + "'; choose one of " + String.join(", ", Lessons.all().stream().map(Lesson::id).toList())));
        if ((chosen != null || experimentFile != null) && (preset != null || text != null || distance != null)) {
            throw new IllegalArgumentException("--lesson and --experiment bring their own corpus: leave out --preset, --text and --distance");
        }
        if (sweep && (chosen != null || experimentFile != null || preset != null || text != null || distance != null)) {
            throw new IllegalArgumentException("--sweep trains the long-range preset at each of --distances: leave out --lesson, "
                    + "--experiment, --preset, --text and --distance");
        }
        if (!sweep && distances != null) throw new IllegalArgumentException("--distances belongs to --sweep");
        if (!sweep && chosen == null && seeds != null) throw new IllegalArgumentException("--seeds belongs to --lesson or --sweep");
        NativeBackend.warmUp();
        try (Database database = Database.open("jdbc:h2:mem:train-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1")) {
            int workers = Runtime.getRuntime().availableProcessors();
            // a private server for one user: a sweep's every point may queue at once
            QueuePolicy policy = new QueuePolicy(1000, 1000, 1000, workers);
            RunService runs = new RunService(new RunStore(database), new RunEvents(), workers, policy, Integer.MAX_VALUE);
            try {
                runs.start();
                LessonService lessons = new LessonService(runs, new SeedGroupStore(database), LessonLabs.NONE);
                PrintWriter out = spec.commandLine().getOut();
                if (sweep) {
                    SweepService sweeps = new SweepService(new SweepStore(database), runs,
                            new LabService(new LabStore(database), new IssuedTokens(new TokenStore(database))));
                    printSweep(out, awaitSweep(sweeps, sweeps.create(sweepBody(), "cli").id()));
                } else if (chosen == null) {
                    String id = runs.submit(lessons.parse(experiment()), "cli").experimentId();
                    print(out, runs, runs.awaitEnded(id, Duration.ofDays(1)));
                } else {
                    runLesson(out, runs, lessons, chosen, seed == null ? chosen.defaultSeed() : seed, seeds == null ? 1 : seeds);
                }
                out.flush();
            } finally {
                runs.close();
            }
        }
        return 0;
    }

    /** The lesson on {@code count} seeds from {@code seed}: each seed's table and checks, then each check counted over them. */
    private static void runLesson(PrintWriter out, RunService runs, LessonService lessons, Lesson lesson, long seed, int count)
            throws Exception {
        out.println(lesson.title() + (count == 1 ? " (seed " + seed + ")" : " (seeds " + seed + "–" + (seed + count - 1) + ")"));
        List<LessonService.SeedRun> group = lessons.startGroup(lesson, seed, count, "cli");
        for (LessonService.SeedRun run : group) {
            if (count > 1) out.println("seed " + run.seed() + ":");
            print(out, runs, runs.awaitEnded(run.experimentId(), Duration.ofDays(1)));
            for (Map.Entry<String, String> v : run.variantExperiments().entrySet()) {
                out.println(v.getKey() + ":");
                print(out, runs, runs.awaitEnded(v.getValue(), Duration.ofDays(1)));
            }
        }
        LessonService.GroupVerdict verdict = lessons.verdict(lesson, group);
        if (count == 1) {
            LessonService.SeedVerdict only = verdict.seeds().get(0);
            for (Lesson.Check check : only.checks()) {
                out.printf(Locale.ROOT, "%s %s: %.4g (%s)%n", check.holds() ? "✓" : "✗", check.what(), check.value(), check.judged());
            }
            out.println(only.holds() ? "The lesson's signature holds." : "The lesson's signature does NOT hold on this seed.");
            return;
        }
        for (LessonService.SeedVerdict v : verdict.seeds()) {
            out.printf(Locale.ROOT, "seed %d: %s%n", v.seed(), v.checks().stream()
                    .map(c -> String.format(Locale.ROOT, "%s %s %.4g", c.holds() ? "✓" : "✗", c.what(), c.value()))
                    .collect(java.util.stream.Collectors.joining("; ")));
        }
        for (LessonService.CheckCount c : verdict.counts()) {
            out.printf(Locale.ROOT, "%s on %d of %d seeds: %s (%s)%n", c.held() == c.of() ? "✓" : "✗", c.held(), c.of(), c.what(), c.rule());
        }
        out.printf(Locale.ROOT, "The lesson's signature holds on %d of %d seeds.%n", verdict.holding(), count);
    }

    /** The options as the body of {@code POST /api/experiments}: only what was given, so each model keeps its defaults. */
    ObjectNode experiment() throws IOException {
        if (experimentFile != null) {
            if (Files.size(experimentFile) > 2_000_000) throw new IllegalArgumentException("--experiment: the file may be at most 2 MB");
            var node = Json.MAPPER.readTree(Files.readString(experimentFile, StandardCharsets.UTF_8));
            if (!(node instanceof ObjectNode body)) throw new IllegalArgumentException("--experiment: the file must hold one JSON object");
            return body;
        }
        if (preset != null && text != null) throw new IllegalArgumentException("--preset and --text exclude each other");
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode corpus = body.putObject("corpus");
        if (text != null) {
            if (Files.size(text) > 1_000_000) throw new IllegalArgumentException("--text: the corpus may be at most 1 MB");
            corpus.put("text", Files.readString(text, StandardCharsets.UTF_8));
        } else {
            corpus.put("preset", preset == null ? "long-range" : preset);
            if (distance != null) corpus.put("distance", distance);
        }
        given(body.putObject("training"));
        ArrayNode arms = body.putArray("arms");
        (models == null ? List.of("rnn", "lstm") : models).forEach(m -> arms.addObject().put("model", m.trim()));
        return body;
    }

    /** The training options given, written into {@code training}; what was not given is left as it is. */
    private void given(ObjectNode training) {
        if (seed != null) training.put("seed", seed);
        if (iterations != null) training.put("maxIterations", iterations);
        if (epochs != null) training.put("epochs", epochs);
        if (window != null) training.put("window", window);
        if (hidden != null) training.put("hidden", hidden);
        if (learningRate != null) training.put("learningRate", learningRate);
        if (clip != null || clipThreshold != null) {
            ObjectNode c = training.putObject("clip");
            if (clip != null) c.put("mode", clip);
            if (clipThreshold != null) c.put("threshold", clipThreshold);
        }
    }

    /** The options as the body of {@code POST /api/sweeps}: only what was given, the rest is the lesson's. */
    ObjectNode sweepBody() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (models != null) models.forEach(m -> body.withArray("models").add(m.trim()));
        if (distances != null) distances.forEach(d -> body.withArray("distances").add(d));
        if (seeds != null) body.put("seeds", seeds);
        given(body.putObject("training"));
        return body;
    }

    private static SweepService.View awaitSweep(SweepService sweeps, String id) throws InterruptedException {
        while (true) {
            SweepService.View view = sweeps.view(id, java.util.List.of());
            if (view.status().equals("finished")) return view;
            Thread.sleep(1000);
        }
    }

    /** Per model, a row of the median over seeds at each distance (the range when seeds > 1): accuracy, then g(d)/g(0). */
    static void printSweep(PrintWriter out, SweepService.View view) {
        out.printf(Locale.ROOT, "%s: %s × d = %s, %d seed(s) per point; final long-range accuracy (guessing %.3f)%n", view.name(),
                String.join(", ", view.grid().modelIds()), view.grid().distances(), view.grid().seeds(), view.guessing());
        table(out, view, SweepService.Curves::accuracy, "%.3f");
        out.println("g(d)/g(0) at the last probe");
        table(out, view, SweepService.Curves::flowRatio, "%.2e");
        out.println("g(d)/g(0) at iteration 0");
        table(out, view, SweepService.Curves::initialFlowRatio, "%.2e");
        view.points().stream().filter(p -> !p.status().equals("completed"))
                .forEach(p -> out.println(p.model() + " at d = " + p.distance() + ", seed " + p.seed() + ": " + p.status()));
    }

    private static void table(PrintWriter out, SweepService.View view, java.util.function.Function<SweepService.Curves, List<SweepService.Summary>> line,
            String format) {
        int width = view.grid().seeds() > 1 ? 28 : 10;
        out.printf(Locale.ROOT, "%-10s", "model");
        for (int d : view.grid().distances()) out.printf(Locale.ROOT, "%" + width + "s", "d=" + d);
        out.println();
        for (SweepService.Curves curve : view.curves()) {
            out.printf(Locale.ROOT, "%-10s", curve.model());
            for (int d : view.grid().distances()) {
                String cell = line.apply(curve).stream().filter(s -> s.distance() == d).findFirst().map(s -> view.grid().seeds() == 1
                        ? String.format(Locale.ROOT, format, s.median())
                        : String.format(Locale.ROOT, format + " [" + format + "–" + format + "]", s.median(), s.low(), s.high())).orElse("-");
                out.printf(Locale.ROOT, "%" + width + "s", cell);
            }
            out.println();
        }
    }

    private static void print(PrintWriter out, RunService runs, List<Run> ended) {
        int d = ended.stream().map(r -> summary(r)).filter(s -> s != null).mapToInt(TrainingResult.Summary::flowDistance).findFirst().orElse(0);
        out.printf(Locale.ROOT, "%-10s %-10s %6s %10s %10s %10s %12s %12s %8s %12s %8s%n", "model", "status", "iters",
                "train loss", "val loss", "long-range", "g(" + d + ")/g(0) @0", "g(" + d + ")/g(0)", "ρ(W_h)", "regime", "seconds");
        for (Run run : ended) {
            TrainingResult.Summary s = summary(run);
            var regime = runs.diagnosis(run).regime();
            if (s == null) {
                out.printf(Locale.ROOT, "%-10s %-10s %s%n", run.model(), run.status(), run.error() == null ? "" : run.error());
                continue;
            }
            out.printf(Locale.ROOT, "%-10s %-10s %6d %10.4f %10.4f %10.3f %12.3e %12.3e %8.2f %12s %8.1f%n", run.model(), run.status(),
                    s.iterations(), s.trainLoss(), s.valLoss(), s.longRangeAccuracy(), s.initialFlowRatio(), s.gradientFlowRatio(),
                    s.spectralRadius(), regime == null ? "-" : regime.id(), s.seconds());
        }
    }

    private static TrainingResult.Summary summary(Run run) {
        return run.summary();
    }
}
