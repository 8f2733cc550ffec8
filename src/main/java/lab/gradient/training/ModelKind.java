package lab.gradient.training;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The architectures a run can train. Each is one of the notes' cures, or the patient. */
public enum ModelKind {
    RNN("rnn", "vanilla RNN, tanh: the notes' patient"),
    RNN_RELU("rnn-relu", "vanilla RNN with ReLU: the notes' fix 1"),
    RNN_LEAKY("rnn-leaky", "vanilla RNN with leaky ReLU: the notes' fix 1"),
    IRNN("irnn", "ReLU RNN with identity recurrent init (Le, Jaitly & Hinton 2015): fixes 1 and 2"),
    RNN_SKIP("rnn-skip", "tanh RNN with skip connections in time (top layer reads h_{t−s}): the notes' fix 3"),
    LSTM("lstm", "LSTM: the notes' fix 4");

    public final String id;
    public final String description;

    ModelKind(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public boolean isLstm() {
        return this == LSTM;
    }

    public static ModelKind of(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst().orElseThrow(() ->
                new SettingsException("model", "unknown model '" + id + "'; choose one of " + ids()));
    }

    public static String ids() {
        return Arrays.stream(values()).map(k -> k.id).collect(Collectors.joining(", "));
    }
}
