package lab.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rule of docs/architecture.md, kept true: the front doors ({@code api/}, {@code ui/}) speak the services and
 * their domain model ({@code model/}, the training vocabulary's value types), never the storage layer or the engine's
 * computing classes; and the domain model and the storage layer never reach up into a service or a front door.
 */
class FrontDoorImportsTest {
    static final Path SOURCES = Path.of("src", "main", "java", "lab", "gradient");
    /** What computes rather than describes: the engine, the DL4J networks and probes, training itself. */
    static final Pattern ENGINE = Pattern.compile("\\blab\\.gradient\\.training\\.(engine\\.|(Predictor|Inspector|Trainer|Network|"
            + "NativeBackend|GradientFlowProbe|InputGradientTap|Instrumentation|TrainingData|Evaluator|TrainedModel|EngineBinding|"
            + "FlatOptimizer|FlatVector|OrthogonalInit|SkipInTime|RecurrentSpectrum|Cost)\\b)");
    static final Pattern STORE = Pattern.compile("\\blab\\.gradient\\.store\\.");
    static final Pattern UPWARD = Pattern.compile("\\blab\\.gradient\\.(runs|labs|lessons|sweeps|health|api|ui|web|cli)\\.");

    @Test
    void noFrontDoorReachesTheStorageLayerOrTheEngine() throws IOException {
        List<String> found = new ArrayList<>();
        for (String door : List.of("api", "ui")) {
            for (Path file : javaFiles(SOURCES.resolve(door))) {
                found.addAll(matches(file, STORE));
                found.addAll(matches(file, ENGINE));
            }
        }
        assertEquals(List.of(), found, "front doors speak the services and their domain model only");
    }

    @Test
    void theDomainModelAndTheStorageLayerNeverReachUp() throws IOException {
        List<String> found = new ArrayList<>();
        for (String layer : List.of("model", "store")) {
            for (Path file : javaFiles(SOURCES.resolve(layer))) found.addAll(matches(file, UPWARD));
        }
        for (Path file : javaFiles(SOURCES.resolve("model"))) found.addAll(matches(file, STORE));
        assertEquals(List.of(), found, "the model and the store depend on nothing above them");
    }

    @Test
    void theRuleCanFail() {
        assertTrue(ENGINE.matcher("import lab.gradient.training.Predictor;").find());
        assertTrue(ENGINE.matcher("lab.gradient.training.engine.RecurrentEngine e;").find());
        assertTrue(!ENGINE.matcher("import lab.gradient.training.Prediction;").find(), "a value type of the training vocabulary may pass");
        assertTrue(STORE.matcher("var x = lab.gradient.store.Json.MAPPER;").find());
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** Each line of {@code file} (imports and fully qualified names alike) that the pattern finds, with where. */
    private static List<String> matches(Path file, Pattern pattern) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("*") || line.startsWith("/**") || line.startsWith("//")) continue; // prose may name them
            Matcher m = pattern.matcher(line);
            if (m.find()) out.add(SOURCES.relativize(file) + ":" + (i + 1) + ": " + line);
        }
        return out;
    }
}
