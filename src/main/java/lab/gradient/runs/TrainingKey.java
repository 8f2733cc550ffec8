package lab.gradient.runs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.gradient.model.Json;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.TrainingSettings;

/**
 * What determines a training, so that identical runs train once: the engine, the sentences (a preset with its
 * distance, or the text as typed), the model and its complete settings in the request's format (seed included). The
 * trainer is deterministic for these (one BLAS thread per worker, seeded initialisation and shuffling), so two runs with
 * the same key would record the same numbers. The key is the SHA-256 of their canonical JSON (docs/training-engine.md).
 */
final class TrainingKey {
    /** Change it whenever the trainer's arithmetic or what it records changes: old trainings are then not shared. */
    static final String ENGINE = "gradient-lab/1 dl4j-1.0.0-M2.1 nd4j-native-linux-x86_64";

    private TrainingKey() {}

    static String of(CorpusSpec corpus, ModelKind model, TrainingSettings settings) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("engine", ENGINE + " " + lab.gradient.training.Trainer.engineName());
        key.put("corpus", corpus);
        key.put("model", model.id);
        key.put("settings", ExperimentRequests.write(settings));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(Json.write(key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
