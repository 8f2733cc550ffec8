package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lab.gradient.model.Json;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingSettings;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Request parsing: every refusal names a field, no other exception escapes, and a valid request is never refused. */
class ExperimentRequestProperties {

    /** Any JSON value a client might send for a setting: numbers at and past every bound, wrong types, NaN as text. */
    @Provide
    Arbitrary<JsonNode> anyValue() {
        var f = Json.MAPPER.getNodeFactory();
        return Arbitraries.oneOf(
                Arbitraries.integers().map(f::numberNode),
                Arbitraries.longs().map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.of(-1, 0, 1, 2, 3, 200, 201, 1024, 1025, Integer.MAX_VALUE).map(f::numberNode),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e-320, 10.000001).map(f::numberNode),
                Arbitraries.of("NaN", "Infinity", "", "adam", "norm", "identity", "1e309", "<script>").map(f::textNode),
                Arbitraries.of(f.booleanNode(true), f.nullNode(), f.arrayNode(), f.objectNode()));
    }

    @Provide
    Arbitrary<String> settingName() {
        return Arbitraries.oneOf(Arbitraries.of(ExperimentRequests.SETTINGS.toArray(String[]::new)), Arbitraries.strings().ofMaxLength(12));
    }

    @Property(tries = 1000)
    void anySettingValueIsAcceptedOrRefusedWithItsField(@ForAll("settingName") String name, @ForAll("anyValue") JsonNode value,
            @ForAll boolean inArm) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("corpus").put("preset", "seed-examples");
        ObjectNode arm = body.putArray("arms").addObject().put("model", "rnn");
        (inArm ? arm : body.putObject("training")).set(name, value);
        try {
            assertNotNull(ExperimentRequests.parse(body));
        } catch (SettingsException e) {
            assertNotNull(e.field(), e.getMessage());
            assertTrue(e.field().startsWith(inArm ? "arms[0]" : "training"), e.field() + " for " + name);
            assertTrue(e.reason().length() > 5);
        }
    }

    @Property(tries = 300)
    void aValidRequestIsNeverRefused(@ForAll("validTraining") ObjectNode training, @ForAll("model") String model) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("corpus").put("text", "Marathi is spoken in Maharashtra. Tamil is spoken in Tamilnadu.");
        body.putArray("arms").addObject().put("model", model);
        body.set("training", training);
        if (model.equals("lstm") && training.path("init").asText().equals("identity")) training.put("init", "orthogonal");
        if (model.equals("irnn")) training.put("init", "identity");
        RunService.ExperimentSpec spec = ExperimentRequests.parse(body);
        assertEquals(training.get("hidden").asInt(), spec.arms().get(0).settings().hidden);
    }

    /** irnn is defined by its identity start: any other init is refused, naming the field, never silently run. */
    @Property(tries = 50)
    void irnnWithAnotherInitIsRefused(@ForAll("validTraining") ObjectNode training) {
        Assume.that(!training.path("init").asText().equals("identity"));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("corpus").put("preset", "long-range");
        body.putArray("arms").addObject().put("model", "irnn");
        body.set("training", training);
        assertEquals("training.init", assertThrows(SettingsException.class, () -> ExperimentRequests.parse(body)).field());
    }

    /** The settings of a stored run, written back as a request (fork, or a client re-posting them), are the same settings. */
    @Property(tries = 300)
    void storedSettingsRoundTripThroughTheRequestFormat(@ForAll("validTraining") ObjectNode training, @ForAll("model") String model,
            @ForAll long seed) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("corpus").put("preset", "long-range");
        body.putArray("arms").addObject().put("model", model);
        if (model.equals("lstm") && training.path("init").asText().equals("identity")) training.put("init", "orthogonal");
        if (model.equals("irnn")) training.put("init", "identity");
        training.put("seed", seed);
        body.set("training", training);
        TrainingSettings stored = Json.read(Json.write(ExperimentRequests.parse(body).arms().get(0).settings()), TrainingSettings.class);
        ObjectNode again = Json.MAPPER.createObjectNode();
        again.putObject("corpus").put("preset", "long-range");
        again.putArray("arms").addObject().put("model", model).setAll(ExperimentRequests.write(stored));
        assertEquals(Json.write(stored), Json.write(ExperimentRequests.parse(again).arms().get(0).settings()));
    }

    @Provide
    Arbitrary<String> model() {
        return Arbitraries.of("rnn", "rnn-relu", "rnn-leaky", "irnn", "rnn-skip", "lstm");
    }

    @Provide
    Arbitrary<ObjectNode> validTraining() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 1024), Arbitraries.integers().between(2, 200),
                Arbitraries.integers().between(2, 3), Arbitraries.doubles().between(1e-6, 10).ofScale(6),
                Arbitraries.of("sgd", "momentum", "adam", "rmsprop"), Arbitraries.of("xavier", "normal", "identity", "orthogonal"),
                Arbitraries.of("none", "norm", "layer-norm", "value"), Arbitraries.doubles().between(1e-3, 1e3).ofScale(3))
                .as((hidden, window, layers, rate, optimizer, init, clip, threshold) -> {
                    ObjectNode t = Json.MAPPER.createObjectNode().put("hidden", hidden).put("window", window).put("layers", layers)
                            .put("learningRate", rate).put("optimizer", optimizer).put("init", init);
                    t.putObject("clip").put("mode", clip).put("threshold", threshold);
                    return t;
                });
    }
}
