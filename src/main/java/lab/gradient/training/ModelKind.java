package lab.gradient.training;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The architectures a run can train: the vanilla RNN and the notes' fixes (ReLU, initialisation, skips, LSTM). */
public enum ModelKind {
    RNN("rnn", "vanilla RNN (tanh): the one whose gradients vanish"),
    RNN_RELU("rnn-relu", "vanilla RNN with ReLU instead of tanh"),
    RNN_LEAKY("rnn-leaky", "vanilla RNN with leaky ReLU instead of tanh"),
    IRNN("irnn", "ReLU RNN whose recurrent weights start as the identity (Le, Jaitly & Hinton 2015)"),
    RNN_SKIP("rnn-skip", "tanh RNN whose top layer also reads its state s steps back (a skip connection in time)"),
    LSTM("lstm", "LSTM: gates that keep a memory cell across many steps");

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
