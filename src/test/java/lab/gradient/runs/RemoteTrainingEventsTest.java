package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import lab.gradient.model.Experiment;
import lab.gradient.model.Run;
import lab.gradient.store.Database;
import lab.gradient.store.Ids;
import lab.gradient.store.QueueStore;
import lab.gradient.store.RecordStore;
import lab.gradient.store.RunStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A page here follows a training another process runs through what its worker writes to the database; after that
 * training resumes from a checkpoint (its steps after it taken again) the page hears it at once, not only once it passes
 * the iteration it had reached before (issue 30, finding 7). Real H2, the worker's writes made as a worker makes them.
 */
class RemoteTrainingEventsTest {
    Database database;
    RunStore store;
    RunEvents events;
    RemoteTrainingEvents remote;

    @BeforeEach
    void open() {
        database = Database.open("jdbc:h2:mem:remote-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new RunStore(database);
        events = new RunEvents();
        remote = new RemoteTrainingEvents(store, events, training -> false); // no worker here: every training is remote
    }

    @AfterEach
    void close() {
        remote.close();
        database.close();
    }

    /** What the remote worker's recorder writes: one row of metrics per iteration in (from, to]. */
    void record(QueueStore.Lease lease, int from, int to) {
        List<float[]> rows = new ArrayList<>();
        for (int i = from + 1; i <= to; i++) rows.add(new float[] {5f - i * 0.01f, 0.1f * i});
        store.records().append(lease, new RecordStore.Batch(List.of("loss", "seconds"), from + 1, rows, List.of(), List.of(), List.of()),
                to, 100);
    }

    @Test
    void aTrainingResumedFromItsCheckpointIsHeardAtOnce() throws Exception {
        String experiment = Ids.newId(), run = Ids.newId();
        store.insertExperiment(new Experiment(experiment, "remote", "asha", null, CorpusSpec.ofPreset("seed-examples", null), null, null),
                List.of(new Run(run, experiment, 0, "rnn", new TrainingSettings(), "asha", null, "queued", null, null, null, 0,
                        100, null, null, null, 1e6, null)), List.of("remote-key"));
        assertTrue(store.queue().claim(run, "elsewhere"));
        QueueStore.Lease lease = new QueueStore.Lease(run, "elsewhere");
        List<RunEvent> heard = new CopyOnWriteArrayList<>();
        remote.start();
        try (AutoCloseable page = events.subscribe(run, run, heard::add)) {
            record(lease, 0, 10); // the recorder flushes before each checkpoint: no chunk spans one
            record(lease, 10, 20);
            remote.poll();
            assertEquals(20, lastProgress(heard), "the page follows the remote training");
            // the worker died; another resumes from the checkpoint at 10 and takes steps 11, 12, … again
            store.records().saveCheckpoint(lease, new lab.gradient.training.Checkpoint(10, 0, 40, 1.0, "{}", new byte[8]));
            store.records().truncateAfter(lease, 10);
            record(lease, 10, 15);
            heard.clear();
            remote.poll();
            assertEquals(15, lastProgress(heard), "heard at once, not silent until it passes iteration 20");
            List<Integer> steps = heard.stream().filter(e -> e instanceof RunEvent.Metrics).flatMap(e -> ((RunEvent.Metrics) e).iterations()
                    .stream()).map(m -> m.iteration()).toList();
            assertEquals(List.of(11, 12, 13, 14, 15), steps, "the steps taken again, once each");
        }
    }

    static int lastProgress(List<RunEvent> heard) {
        return heard.stream().filter(e -> e instanceof RunEvent.Progress).map(e -> ((RunEvent.Progress) e).iteration())
                .reduce((a, b) -> b).orElse(-1);
    }
}
