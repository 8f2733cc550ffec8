package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import lab.gradient.model.Run;
import lab.gradient.store.Database;
import lab.gradient.store.RunStore;
import lab.gradient.training.ModelKind;
import lab.gradient.training.NativeBackend;
import org.junit.jupiter.api.Test;

/**
 * A place in line only moves forward, whatever others submit: one worker trains real (tiny) models on a real database
 * while a second student keeps submitting behind the first, and every place shown is read as a student's page reads it.
 */
class FairLineTest {
    /** What a waiting run's page said, in order: its place, or "behind n of mine". */
    record Seen(Integer position, int ownAhead) {}

    @Test
    void aPlaceInLineNeverMovesBackUnderASecondStudentsSubmissions() throws Exception {
        NativeBackend.warmUp();
        try (Database db = Database.open("jdbc:h2:mem:line-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
                RunService runs = new RunService(new RunStore(db), new RunEvents(), 1, QueuePolicy.defaults(1))) {
            runs.start();
            // someone's run holds the one worker until it is cancelled below
            Run blocker = runs.submit(RunServiceTest.experiment(1_000_000, ModelKind.LSTM), "chen").runs().get(0);
            awaitStatus(runs, blocker, "running");

            Map<String, List<Seen>> seen = new HashMap<>();
            List<Run> asha = runs.submit(RunServiceTest.experiment(150, ModelKind.RNN, ModelKind.LSTM), "asha").runs();
            List<Run> all = new ArrayList<>(asha);
            look(runs, all, seen);
            assertEquals(new Seen(1, 0), last(seen, asha.get(0)), "Asha's first arm is next");
            assertEquals(new Seen(null, 1), last(seen, asha.get(1)), "her second waits behind her first, holding no place of its own");

            // Ben submits three experiments while Asha does nothing; each of his is behind her
            for (int i = 0; i < 3; i++) {
                List<Run> ben = runs.submit(RunServiceTest.experiment(150, ModelKind.RNN, ModelKind.LSTM), "ben").runs();
                all.addAll(ben);
                for (int k = 0; k < 5; k++) {
                    look(runs, all, seen);
                    Thread.sleep(100);
                }
                assertEquals(new Seen(1, 0), last(seen, asha.get(0)), "Ben's submissions moved Asha's first arm: " + seen);
                assertEquals(new Seen(null, 1), last(seen, asha.get(1)), "Ben's submissions moved Asha's second arm: " + seen);
            }
            assertEquals(new Seen(2, 0), last(seen, all.get(2)), "Ben's first run stands behind Asha's");
            assertEquals("running", runs.run(blocker.id()).orElseThrow().status(), "the worker was busy all along");
            runs.cancel(blocker.id(), List.of("chen"));

            // and as the line drains: no place ever grows, and no run that held a place loses it while it waits
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (all.stream().anyMatch(r -> !RunStatus.of(runs.run(r.id()).orElseThrow().status()).isFinal())) {
                assertTrue(System.nanoTime() < deadline, "the runs did not finish in 2 minutes");
                look(runs, all, seen);
                Thread.sleep(50);
            }
            seen.forEach((id, views) -> {
                for (int i = 1; i < views.size(); i++) {
                    Seen before = views.get(i - 1), now = views.get(i);
                    if (before.position() != null) {
                        assertTrue(now.position() != null && now.position() <= before.position(), "run " + id + " moved back: " + views);
                    } else if (now.position() == null) {
                        assertFalse(now.ownAhead() > before.ownAhead(), "run " + id + " waits for more of its own runs: " + views);
                    }
                }
            });
            // served in the order the places were taken: Asha's first, then Ben's first, then Asha's second
            List<String> byStart = all.stream().map(r -> runs.run(r.id()).orElseThrow()).sorted(Comparator.comparing(Run::startedAt))
                    .map(Run::id).toList();
            assertTrue(byStart.indexOf(asha.get(0).id()) < byStart.indexOf(all.get(2).id()), "Asha's place came first");
            assertTrue(byStart.indexOf(all.get(2).id()) < byStart.indexOf(asha.get(1).id()), "Ben's first place came before Asha's second");
        }
    }

    private static void look(RunService runs, List<Run> all, Map<String, List<Seen>> seen) {
        for (Run r : all) {
            Run now = runs.run(r.id()).orElseThrow();
            runs.queuePlace(now).ifPresent(p -> {
                List<Seen> views = seen.computeIfAbsent(r.id(), id -> new ArrayList<>());
                Seen s = new Seen(p.position(), p.ownRunsAhead());
                if (views.isEmpty() || !views.get(views.size() - 1).equals(s)) views.add(s);
            });
        }
    }

    private static Seen last(Map<String, List<Seen>> seen, Run run) {
        List<Seen> views = seen.get(run.id());
        return views == null ? null : views.get(views.size() - 1);
    }

    private static void awaitStatus(RunService runs, Run run, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!status.equals(runs.run(run.id()).orElseThrow().status())) {
            assertTrue(System.nanoTime() < deadline, "run did not reach " + status);
            Thread.sleep(20);
        }
    }
}
