package lab.gradient.lessons;

import static lab.gradient.lessons.Lesson.Check.atLeast;
import static lab.gradient.lessons.Lesson.Check.atMost;
import static lab.gradient.lessons.Lesson.Check.that;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.gradient.model.Json;
import lab.gradient.training.Regime;

/**
 * The guided experiments, one definition each. Every number here was measured (docs/lessons.md has the seed table and
 * the command that reproduces it); a signature asserts only what held on at least 4 of 5 seeds.
 */
public final class Lessons {
    /**
     * The vanishing lesson's distance: at 20 a gentle learning rate lets the tanh RNN learn the task, at 25 it reached
     * 0.40 on one seed; at 30 it stayed near guessing at every rate tried while the LSTM learned it.
     */
    static final int VANISHING_DISTANCE = 30;

    private static final String LONG_RANGE_SETTINGS = """
            "seed": 42, "epochs": 1000, "batch": 32, "hidden": 64, "embedding": 32, "layers": 1,
            "optimizer": "adam", "decay": 1.0, "clip": {"mode": "none"}, "probeEvery": 50, "validationFraction": 0.1""";

    private static final List<Lesson> ALL = List.of(vanishing(), exploding(), irnn(), skip(), learningRate(), leakyRelu());

    private Lessons() {}

    public static List<Lesson> all() {
        return ALL;
    }

    public static Optional<Lesson> byId(String id) {
        return ALL.stream().filter(l -> l.id().equals(id)).findFirst();
    }

    static Lesson vanishing() {
        int d = VANISHING_DISTANCE;
        String training = "{" + LONG_RANGE_SETTINGS + ", \"window\": " + (d + 4) + ", \"maxIterations\": 1000, \"learningRate\": 0.01}";
        ObjectNode experiment = json("""
                {"name": "Vanishing: tanh RNN vs LSTM, the key %d words back", "lesson": "vanishing",
                 "corpus": {"preset": "long-range", "distance": %d}, "training": %s,
                 "arms": [{"model": "rnn", "init": "xavier", "initScale": 1.0},
                          {"model": "lstm", "init": "xavier", "initScale": 1.0, "forgetBias": 5.0}]}
                """.formatted(d, d, training));
        Map<String, ObjectNode> variants = new LinkedHashMap<>();
        for (double factor : new double[] {0.3, 3}) {
            variants.put("rnn at " + factor + "× the learning rate", json("""
                    {"name": "Vanishing, tanh RNN at %s× the learning rate", "corpus": {"preset": "long-range", "distance": %d},
                     "training": %s, "arms": [{"model": "rnn", "init": "xavier", "initScale": 1.0, "learningRate": %s}]}
                    """.formatted(factor, d, training, 0.01 * factor)));
        }
        return new Lesson("vanishing", "Vanishing: tanh RNN vs LSTM on a word " + d + " steps back",
                "Long-term dependencies: the gradient that reaches a word far back is a product of many factors "
                        + "∂o_t/∂o_{t−1}, ∏ ∂o_t/∂o_{t−1}, and it vanishes: \"jitna jyada time stamps hoga, utna hi chote humara "
                        + "long term dependencies\" (the more time steps, the smaller the long-term terms). The notes' answer is the LSTM, whose cell state carries the gradient across the gap.",
                "Start with the gradient-flow chart at iteration 0 (the heatmap's first column): the tanh RNN's line falls by "
                        + "orders of magnitude over " + d + " steps, the LSTM's falls far less. As the LSTM learns to recall the key, "
                        + "its gradient from the key grows, past the last word's: the far word has become the one that matters. "
                        + "Then the diagnosis and the long-range answers: the LSTM recalls the key, the tanh RNN stays near "
                        + "guessing (12.5%).",
                "At distance 20 the tanh RNN does learn the task at a gentle learning rate (Adam 0.003) on some seeds, so the "
                        + "contrast there is partly the learning rate's. This lesson uses distance " + d + ", where the tanh RNN "
                        + "stayed near guessing at 0.3×, 1× and 3× the lesson's rate while the LSTM learned. The LSTM's forget gate "
                        + "starts open (bias 5: it keeps σ(5) = 99.3% of its cell per step), the usual remedy for long gaps; with "
                        + "DL4J's default bias 1 it did not learn d = 30 in 1,500 iterations, and with bias 3 it reached only "
                        + "0.6–0.82 on seeds 1–3 in the lesson's 1,000.",
                Map.of("loss", "Training loss per word (lines), validation loss (dots): the LSTM's drops once it recalls the key.",
                        "flow", "‖∂L_T/∂x_{T−k}‖ against k steps back at the latest probe (log scale). The tanh RNN's falls "
                                + "toward the key " + d + " steps back; the LSTM's cell state carries it there.",
                        "heatmap", "Every probe, steps back × iteration, coloured by log₁₀ of the norm: dark blue is vanished, red is the strongest.",
                        "spectral", "Each W_h's spectral radius ρ (solid) and largest singular value σ_max (dashed). The tanh "
                                + "RNN's ρ grows past 1 as it tries to carry the key: then the far-back gradient swings (erratic) "
                                + "instead of carrying it."),
                experiment, variants, o -> {
                    Outcome.Arm rnn = o.arm(0), lstm = o.arm(1);
                    return List.of(
                            atLeast("LSTM long-range accuracy", lstm.longRangeAccuracy(), 0.9),
                            atMost("tanh RNN long-range accuracy", rnn.longRangeAccuracy(), 0.4),
                            atMost("tanh RNN accuracy at 0.3× the learning rate", o.variant("rnn at 0.3× the learning rate").longRangeAccuracy(), 0.4),
                            atMost("tanh RNN accuracy at 3× the learning rate", o.variant("rnn at 3.0× the learning rate").longRangeAccuracy(), 0.4),
                            atMost("tanh RNN g(d)/g(0) at iteration 0", rnn.initialFlowRatio(), 0.1),
                            that("LSTM g(d)/g(0) at iteration 0, over the tanh RNN's", lstm.initialFlowRatio() / rnn.initialFlowRatio(),
                                    "≥ 10", lstm.initialFlowRatio() >= 10 * rnn.initialFlowRatio()),
                            that("tanh RNN's regime at the end (its g(d)/g(0))", rnn.flowRatio(), "vanishing or erratic", regime(rnn),
                                    rnn.regime() == Regime.VANISHING || rnn.regime() == Regime.ERRATIC),
                            that("LSTM g(d)/g(0) at the end, over the tanh RNN's", lstm.flowRatio() / rnn.flowRatio(), "≥ 10",
                                    lstm.flowRatio() >= 10 * rnn.flowRatio()),
                            regimeIs("LSTM", lstm, Regime.HEALTHY));
                });
    }

    /** Iterations each point of a sweep trains: a default sweep (2 models × 6 distances) in under 10 minutes on 2 cores. */
    static final int SWEEP_ITERATIONS = 1000;

    private static final SweepLesson DISTANCE_SWEEP = new SweepLesson("distance-sweep", "Where does each model break? The distance sweep",
            "Long-term dependencies: \"jitna jyada time stamps hoga, utna hi chote humara long term dependencies\" (the more time "
                    + "steps, the smaller the long-term terms). The gradient reaching a word d steps back is a product of d factors "
                    + "∂o_t/∂o_{t−1}: the vanilla RNN handles short dependencies and fails on long ones; the LSTM's cell state "
                    + "carries the gradient further.",
            "Read the accuracy chart from left to right: both models answer the near key; the tanh RNN falls to guessing (the "
                    + "dashed line) once the key is far enough back, the LSTM keeps answering. The gradient chart says why: at "
                    + "iteration 0 the tanh RNN's g(d)/g(0) shrinks steadily with every step of d, the LSTM's does not.",
            "Each point is one run of " + SWEEP_ITERATIONS + " iterations (hidden 64, batch 32, Adam 0.01, window d + 4); the "
                    + "accuracy plotted is the final one, on held-out sentences, and g(d)/g(0) is at the last probe.",
            "Measured on seed 42 with this budget (docs/lessons.md): the tanh RNN answered the key at d = 5, 10 and 15 (0.965 to "
                    + "0.995), half learned it at d = 20 (0.515) and fell to 0.235 at 25 and 0.265 at 30 (guessing is 0.125); on "
                    + "seeds 43 and 44 it stayed near guessing from d = 20 on (0.105 to 0.155) while the LSTM answered (0.99 to "
                    + "1.0). The LSTM starts its forget gate open (bias 5, as in the vanishing lesson) and answered at every "
                    + "distance (0.99 to 1.0). With DL4J's default bias 1 the LSTM broke too, later, when measured on DL4J (0.845 "
                    + "at d = 20, 0.15 at 25). Where exactly the tanh RNN breaks moves with the seed and the learning rate, so the "
                    + "sweep shows where each model breaks at this budget, not everywhere. Its g(d)/g(0) at iteration 0 shrinks "
                    + "about 13% per step (0.47 at d = 5, 0.013 at d = 30): steady, but not yet orders of magnitude within 30 steps.",
            Map.of("accuracy", "Long-range accuracy (final) against the distance d between the key and its answer: the line is the "
                            + "median over seeds, the band the lowest to highest seed; dashed: guessing among the 8 answers.",
                    "flow", "g(d)/g(0), the gradient reaching the key over the gradient at the answer (log scale), at the last probe; "
                            + "thin dashed lines: at iteration 0, before anything was learned."),
            json("""
                    {"name": "Where does each model break?", "models": ["rnn", {"model": "lstm", "forgetBias": 5.0}],
                     "distances": [5, 10, 15, 20, 25, 30], "seeds": 1, "training": {"seed": 42, "maxIterations": %d}}
                    """.formatted(SWEEP_ITERATIONS)));

    /** The distance sweep: the lesson a sweep's defaults come from. */
    public static SweepLesson distanceSweep() {
        return DISTANCE_SWEEP;
    }

    static Lesson exploding() {
        ObjectNode experiment = json("""
                {"name": "Exploding: ReLU RNN, no clipping vs clipped at 1.0", "lesson": "exploding",
                 "corpus": {"preset": "english-prose"},
                 "training": {"seed": 42, "epochs": 100, "maxIterations": 200, "window": 35, "batch": 32, "hidden": 128,
                              "embedding": 64, "layers": 1, "optimizer": "sgd", "learningRate": 0.5, "decay": 1.0,
                              "init": "normal", "initScale": 1.5, "probeEvery": 50, "validationFraction": 0.1},
                 "arms": [{"model": "rnn-relu", "clip": {"mode": "none"}},
                          {"model": "rnn-relu", "clip": {"mode": "norm", "threshold": 1.0}}]}
                """);
        return new Lesson("exploding", "Exploding: ReLU RNN without and with gradient clipping",
                "Unstable training: the same product of factors ∂o_t/∂o_{t−1} explodes when they are larger than 1, "
                        + "and \"training hote hi nahi hai\" (training does not happen at all). The first remedy: clip the gradient.",
                "Both arms are the same ReLU RNN with a large start (W_h normal, scale 1.5) and a large step (SGD, 0.5); only "
                        + "clipping differs. Watch the gradient-norm chart: the unclipped arm's norm leaps and the run diverges; "
                        + "the clipped arm's dashed line stays at 1.0 and it keeps training.",
                "Holds on every seed measured: without clipping the run diverges within a few dozen iterations.",
                Map.of("loss", "Training loss per word: the unclipped arm ends where its loss became NaN.",
                        "gradNorm", "‖∂L/∂w‖ per parameter, log scale: solid before clipping, dashed after. A step over "
                                + (int) Regime.JUMP_FACTOR + "× the median of the " + Regime.JUMP_WINDOW + " before is an exploding step.",
                        "flow", "‖∂L_T/∂x_{T−k}‖ against k at the latest probe (log scale): unlike the vanishing lesson's, it does not "
                                + "shrink going back through the window. Here the explosion is in time: the gradient-norm chart shows "
                                + "whole steps' gradients leaping.",
                        "spectral", "W_h's spectral radius ρ (solid) and largest singular value σ_max (dashed): this start is "
                                + "large enough for the product of factors to grow."),
                experiment, Map.of(), o -> List.of(
                        that("unclipped arm's regime (iterations it ran)", o.arm(0).iterations(), "exploding", regime(o.arm(0)),
                                o.arm(0).regime() == Regime.EXPLODING),
                        that("clipped arm never diverges", o.arm(1).iterations(), "finished", !o.arm(1).diverged()),
                        // its raw gradient still jumps: the diagnosis says so, and that clipping held each step
                        regimeIs("clipped arm", o.arm(1), Regime.EXPLODING),
                        that("clipped arm's loss falls", o.arm(1).lastLoss(), "< first " + round(o.arm(1).firstLoss()),
                                o.arm(1).lastLoss() < o.arm(1).firstLoss())));
    }

    static Lesson irnn() {
        ObjectNode experiment = json("""
                {"name": "Fix: ReLU and identity init (IRNN) vs tanh RNN", "lesson": "irnn",
                 "corpus": {"preset": "long-range", "distance": 20},
                 "training": {%s, "window": 24, "maxIterations": 1200},
                 "arms": [{"model": "rnn", "init": "xavier", "initScale": 1.0, "learningRate": 0.01},
                          {"model": "irnn", "init": "identity", "initScale": 1.0, "learningRate": 0.001}]}
                """.formatted(LONG_RANGE_SETTINGS));
        return new Lesson("irnn", "Fix: ReLU and identity initialisation (IRNN)",
                "Two remedies together: a different activation (ReLU) and a better start for the weights. With W_h = I and ReLU, "
                        + "each factor ∂o_t/∂o_{t−1} starts as the identity on the active units, so the product neither shrinks "
                        + "nor grows (Le, Jaitly & Hinton 2015).",
                "The spectral chart at iteration 0: the IRNN's W_h is the identity (σ_max = 1). The gradient-flow chart: at "
                        + "iteration 0 the IRNN's line falls far less than the tanh RNN's over 20 steps; as the IRNN learns the key "
                        + "its gradient from the key grows, past the last word's, while the tanh RNN's stays low or swings.",
                "The gradient-flow contrast holds on every seed measured; see docs/lessons.md for long-range accuracy.",
                Map.of("flow", "‖∂L_T/∂x_{T−k}‖ against k at the latest probe (log scale): the IRNN's identity factors pass the "
                                + "gradient back undiminished at the start, and once it uses the key, more of it reaches the key than "
                                + "the last word; the tanh RNN's falls.",
                        "spectral", "W_h's spectral radius ρ (solid) and largest singular value σ_max (dashed): the IRNN starts "
                                + "at exactly 1."),
                experiment, Map.of(), o -> List.of(
                        that("IRNN σ_max(W_h) at iteration 0", o.arm(1).initialLargestSingularValue(), "= 1",
                                Math.abs(o.arm(1).initialLargestSingularValue() - 1) < 1e-6),
                        that("IRNN g(20)/g(0) over the tanh RNN's", o.arm(1).flowRatio() / o.arm(0).flowRatio(), "≥ 10",
                                o.arm(1).flowRatio() >= 10 * o.arm(0).flowRatio()),
                        that("IRNN long-range accuracy minus the tanh RNN's", o.arm(1).longRangeAccuracy() - o.arm(0).longRangeAccuracy(),
                                "≥ 0.3", o.arm(1).longRangeAccuracy() >= o.arm(0).longRangeAccuracy() + 0.3),
                        regimeIs("tanh RNN", o.arm(0), Regime.ERRATIC, Regime.VANISHING),
                        regimeIs("IRNN", o.arm(1), Regime.HEALTHY)));
    }

    static Lesson skip() {
        ObjectNode experiment = json("""
                {"name": "Fix: skip connections in time vs tanh RNN", "lesson": "skip",
                 "corpus": {"preset": "long-range", "distance": 30},
                 "training": {%s, "window": 34, "maxIterations": 800, "learningRate": 0.01, "init": "xavier", "initScale": 1.0},
                 "arms": [{"model": "rnn"}, {"model": "rnn-skip", "layers": 2, "skip": 10}]}
                """.formatted(LONG_RANGE_SETTINGS));
        return new Lesson("skip", "Fix: skip connections in time (a skip RNN)",
                "Skip connections in time: give the gradient a shorter road through time. The skip RNN's top layer reads its own "
                        + "state 10 steps back, h_t = tanh(W x_t + W_h h_{t−10} + b), so a word 30 steps back reaches the loss "
                        + "through 3 factors instead of 30.",
                "The gradient-flow chart at iteration 0: the skip RNN's line stays high out to 30 steps back, the tanh RNN's "
                        + "falls. Then the long-range answers: the skip RNN recalls the key within a few hundred iterations.",
                "The contrast is architectural, so it is checked before learning (iteration 0); at the end a tanh RNN whose W_h "
                        + "has grown chaotic can show a large but useless far-back gradient. The skip RNN has a second layer the "
                        + "tanh RNN lacks; its skip is 10 steps, so on the long-range task the key sits exactly 3 skips back. The "
                        + "lesson uses distance 30, as the vanishing lesson does: at 20 the tanh RNN learned the key on some seeds. "
                        + "The contrast at iteration 0 ranged from 8.3× to 76× over the ten seeds measured (1–5 and the lesson's "
                        + "own 42–46), so the check asks for 5×; it asked for 10× until the lesson's own seeds 44 and 46 gave 8.6× "
                        + "and 8.3×.",
                Map.of("flow", "‖∂L_T/∂x_{T−k}‖ against k: the skip RNN crosses about k/10 factors, the tanh RNN k.",
                        "spectral", "Largest |eigenvalue| of each W_h: rnn2 is the layer that skips."),
                experiment, Map.of(), o -> List.of(
                        that("skip RNN g(30)/g(0) at iteration 0 over the tanh RNN's", o.arm(1).initialFlowRatio() / o.arm(0).initialFlowRatio(),
                                "≥ 5", o.arm(1).initialFlowRatio() >= 5 * o.arm(0).initialFlowRatio()),
                        that("skip RNN long-range accuracy minus the tanh RNN's", o.arm(1).longRangeAccuracy() - o.arm(0).longRangeAccuracy(),
                                "≥ 0.3", o.arm(1).longRangeAccuracy() >= o.arm(0).longRangeAccuracy() + 0.3),
                        regimeIs("skip RNN", o.arm(1), Regime.HEALTHY)));
    }

    static Lesson learningRate() {
        ObjectNode experiment = json("""
                {"name": "Fix: control the learning rate (0.5 vs 0.0003)", "lesson": "learning-rate",
                 "corpus": {"preset": "english-prose"},
                 "training": {"seed": 42, "epochs": 100, "maxIterations": 200, "window": 35, "batch": 32, "hidden": 128,
                              "embedding": 64, "layers": 1, "optimizer": "sgd", "decay": 1.0, "init": "normal",
                              "initScale": 1.5, "clip": {"mode": "none"}, "probeEvery": 50, "validationFraction": 0.1},
                 "arms": [{"model": "rnn-relu", "learningRate": 0.5}, {"model": "rnn-relu", "learningRate": 0.0003}]}
                """);
        return new Lesson("learning-rate", "Fix: control the learning rate",
                "Unstable training, the other remedy: control the learning rate. The same exploding ReLU RNN (W_h normal, scale 1.5), once with "
                        + "a step of 0.5 and once with 0.0003: a smaller step keeps one large gradient from throwing the weights "
                        + "where the product of factors explodes.",
                "The loss chart: the 0.5 arm diverges within a few iterations, the 0.0003 arm's loss falls and stays finite.",
                "The safe rate is far below 0.5 because the loss is summed over a window's 35 steps, so one step moves the "
                        + "weights 35 times what a per-word rate suggests; on this start 0.003 still diverged (measured, seed 42), "
                        + "0.001 trained with exploding steps, 0.0003 trained cleanly.",
                Map.of("loss", "Training loss per word: the large step ends in NaN, the small one falls.",
                        "gradNorm", "‖∂L/∂w‖ per parameter, log scale: the large step's norm leaps before it diverges."),
                experiment, Map.of(), o -> List.of(
                        that("learning rate 0.5 diverges", o.arm(0).iterations(), "diverged", o.arm(0).diverged()),
                        that("learning rate 0.0003 finishes", o.arm(1).iterations(), "not diverged", !o.arm(1).diverged()),
                        that("learning rate 0.0003: loss falls", o.arm(1).lastLoss(), "< first " + round(o.arm(1).firstLoss()),
                                o.arm(1).lastLoss() < o.arm(1).firstLoss()),
                        regimeIs("learning rate 0.5", o.arm(0), Regime.EXPLODING),
                        regimeIs("learning rate 0.0003", o.arm(1), Regime.HEALTHY)));
    }

    static Lesson leakyRelu() {
        ObjectNode experiment = json("""
                {"name": "Leaky ReLU: alone, and with the identity start", "lesson": "leaky-relu",
                 "corpus": {"preset": "long-range", "distance": 30},
                 "training": {%s, "window": 34, "maxIterations": 1000, "learningRate": 0.01, "init": "xavier", "initScale": 1.0},
                 "arms": [{"model": "rnn"}, {"model": "rnn-leaky"},
                          {"model": "rnn-leaky", "init": "identity", "initScale": 1.0, "learningRate": 0.001}]}
                """.formatted(LONG_RANGE_SETTINGS));
        return new Lesson("leaky-relu", "Leaky ReLU instead of tanh: alone it is not enough, with the identity start it is",
                "A different activation: tanh's slope is below 1 almost everywhere, so every factor ∂o_t/∂o_{t−1} "
                        + "shrinks the gradient; leaky ReLU's slope is 1 on active units. But the factor is also W_h: from the "
                        + "usual (Xavier) start it shrinks the gradient anyway, so the activation alone does not carry it. Started "
                        + "from W_h = I (with a smaller learning rate), the same leaky-ReLU RNN passes the gradient back and learns "
                        + "the key.",
                "The gradient-flow chart at iteration 0: the leaky-ReLU RNN from Xavier's start falls even faster than the tanh "
                        + "RNN; from the identity start its line stays high out to 30 steps back. Then the long-range answers: "
                        + "only the identity start learns the key.",
                "Measured on the lesson's own seeds 42–46 (docs/lessons.md): from Xavier's start leaky ReLU's far-back "
                        + "gradient starts below tanh's (on seeds 1–5 too) and it stays near guessing (12–19% right); from the "
                        + "identity start its g(30)/g(0) at iteration 0 is 10³–10⁴× Xavier's, and it reached 63–100% in 1,000 "
                        + "iterations (90% or more on 4 of the 5 seeds; 63% on seed 44). The fix is the start as much as the "
                        + "activation: the IRNN lesson shows the same with plain ReLU.",
                Map.of("flow", "‖∂L_T/∂x_{T−k}‖ against k at the latest probe (log scale): compare the first probe's lines in the heatmap: "
                        + "Xavier's start falls fastest, the identity start stays high."),
                experiment, Map.of(), o -> List.of(
                        that("leaky-ReLU (Xavier) g(30)/g(0) at iteration 0 below the tanh RNN's",
                                o.arm(1).initialFlowRatio() / o.arm(0).initialFlowRatio(), "< 1",
                                o.arm(1).initialFlowRatio() < o.arm(0).initialFlowRatio()),
                        atMost("tanh RNN long-range accuracy", o.arm(0).longRangeAccuracy(), 0.4),
                        regimeIs("tanh RNN", o.arm(0), Regime.ERRATIC, Regime.VANISHING),
                        that("leaky ReLU from the identity start: g(30)/g(0) at iteration 0 over Xavier's start's",
                                o.arm(2).initialFlowRatio() / o.arm(1).initialFlowRatio(), "≥ 100",
                                o.arm(2).initialFlowRatio() >= 100 * o.arm(1).initialFlowRatio()),
                        that("leaky ReLU from the identity start: long-range accuracy minus Xavier's start's",
                                o.arm(2).longRangeAccuracy() - o.arm(1).longRangeAccuracy(), "≥ 0.3",
                                o.arm(2).longRangeAccuracy() >= o.arm(1).longRangeAccuracy() + 0.3)));
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) Json.read(text, com.fasterxml.jackson.databind.JsonNode.class);
    }

    /** The diagnosis the student reads for this arm names one of these regimes: the page agrees with the lesson. */
    private static Lesson.Check regimeIs(String arm, Outcome.Arm outcome, Regime... expected) {
        List<Regime> allowed = List.of(expected);
        String names = String.join(" or ", allowed.stream().map(Regime::id).toList());
        return that(arm + "'s diagnosis", outcome.flowRatio(), names, regime(outcome), allowed.contains(outcome.regime()));
    }

    private static String regime(Outcome.Arm arm) {
        return arm.regime() == null ? "too early to say" : arm.regime().id();
    }

    private static String round(double v) {
        return String.format(java.util.Locale.ROOT, "%.3g", v);
    }
}
