package lab.gradient.training;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a run stood after a step, enough to go on as if it had never stopped: the step and the place in the epoch's
 * (seeded, so repeatable) order of windows, the seconds it had trained, the running numbers of its summary, and the
 * network's parameters with the optimizer's state (Adam's moments and step count). Nothing else is random once the
 * network is built, so a resumed run takes the same steps an uninterrupted one would.
 *
 * @param position index of the next window in this epoch's shuffled order
 * @param summary the running numbers of the run's summary (JSON of {@link Trainer}'s summarizer)
 * @param state the parameters and the optimizer's state, as {@link #state(INDArray, INDArray)} writes them
 */
public record Checkpoint(int iteration, int epoch, int position, double seconds, String summary, byte[] state) {

    /** Where checkpoints go and come from: the run's store. */
    public interface Store {
        /** The run's latest checkpoint, or null to start from the beginning. */
        Checkpoint latest();

        void save(Checkpoint checkpoint);

        /** Seconds between two checkpoints (0: after every step a checkpoint may follow). */
        double intervalSeconds();
    }

    static byte[] state(INDArray params, INDArray updaterState) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Nd4j.write(params, out);
            out.writeBoolean(updaterState != null);
            if (updaterState != null) Nd4j.write(updaterState, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Puts the saved parameters and optimizer state back into {@code params} and {@code updaterState} (same shapes). */
    void restore(INDArray params, INDArray updaterState) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            params.assign(Nd4j.read(in));
            if (in.readBoolean()) {
                INDArray saved = Nd4j.read(in);
                if (updaterState != null) updaterState.assign(saved);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
