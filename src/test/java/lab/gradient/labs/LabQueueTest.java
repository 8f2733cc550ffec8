package lab.gradient.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import lab.gradient.model.Lab;
import lab.gradient.model.LabRun;
import lab.gradient.model.Run;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.OwnerTokens;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunServiceTest;
import lab.gradient.runs.RunStatus;
import lab.gradient.store.Database;
import lab.gradient.store.LabStore;
import lab.gradient.store.RunStore;
import lab.gradient.store.TokenStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.NativeBackend;
import org.junit.jupiter.api.Test;

/** A lab's fair share of the server, on a real database with two real workers training real (tiny) models. */
class LabQueueTest {
    /** H2 here, PostgreSQL in {@link LabQueuePostgresTest}. */
    String databaseUrl() {
        return "jdbc:h2:mem:labq-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @Test
    void studentsAreServedRoundRobinWithOneRunTrainingEachAtATime() throws Exception {
        NativeBackend.warmUp();
        try (Database db = Database.open(databaseUrl())) {
            RunStore store = new RunStore(db);
            LabService labs = new LabService(new LabStore(db), new IssuedTokens(new TokenStore(db)));
            try (RunService runs = new RunService(store, new RunEvents(), 2, QueuePolicy.defaults(2), 600, labs)) {
                Lab lab = labs.create("Queue lab", LabSettings.defaults(), null).lab();
                List<String> students = List.of("Asha", "Ravi", "Mei");
                Map<String, String> owners = new java.util.LinkedHashMap<>();
                for (String name : students) {
                    String owner = OwnerTokens.ownerOf(new IssuedTokens(new TokenStore(db)).issue(null));
                    labs.join(lab.joinCode(), name, owner);
                    owners.put(owner, name);
                }
                // every student queues two experiments of two arms before any worker starts
                for (int round = 0; round < 2; round++) {
                    for (String owner : owners.keySet()) runs.submit(experiment(lab.joinCode()), owner);
                }
                runs.start();

                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                List<Run> all;
                do {
                    Thread.sleep(200);
                    all = labs.runs(lab, List.of(lab.teacher()), null).stream().map(LabRun::run).toList();
                    assertTrue(System.nanoTime() < deadline, "the lab's 12 runs did not finish in 2 minutes");
                } while (all.stream().anyMatch(r -> !RunStatus.of(r.status()).isFinal()));

                assertEquals(12, all.size());
                all.forEach(r -> assertEquals("completed", r.status(), r.toString()));
                List<Run> byStart = all.stream().sorted(Comparator.comparing(Run::startedAt)).toList();
                String order = byStart.stream().map(r -> owners.get(r.owner())).collect(Collectors.joining(", "));
                // the first wave is one start per student
                assertEquals(3, byStart.subList(0, 3).stream().map(Run::owner).distinct().count(), order);
                // round-robin: each start went to the waiting student who had stood in line longest, among those free
                // to start (a student with a run still training waits, as the lab's cap says); a student takes their
                // place when they become free: their previous run ended, or (never started) when the queue opened
                for (Run chosen : byStart) {
                    OffsetDateTime at = chosen.startedAt();
                    OffsetDateTime chosenSince = freeSince(byStart, chosen.owner(), at);
                    for (String other : owners.keySet()) {
                        if (other.equals(chosen.owner())) continue;
                        boolean waiting = byStart.stream().anyMatch(r -> r.owner().equals(other) && !r.startedAt().isBefore(at));
                        // a run that ended in the moment between the queue's read and its claim counts as training
                        boolean training = byStart.stream().anyMatch(r -> r.owner().equals(other) && r.startedAt().isBefore(at)
                                && r.finishedAt().isAfter(at.minus(Duration.ofMillis(50))));
                        if (!waiting || training) continue;
                        OffsetDateTime otherSince = freeSince(byStart, other, at);
                        assertFalse(otherSince == null && chosenSince != null || otherSince != null && chosenSince != null
                                && otherSince.isBefore(chosenSince.minus(Duration.ofMillis(50))), owners.get(other)
                                + " had stood in line longer than " + owners.get(chosen.owner()) + " at " + at + ": " + order);
                    }
                }
                // at most one run of a student training at a time: each run starts after the student's previous ended
                for (String owner : owners.keySet()) {
                    List<Run> mine = byStart.stream().filter(r -> r.owner().equals(owner)).toList();
                    for (int i = 1; i < mine.size(); i++) {
                        assertFalse(mine.get(i).startedAt().isBefore(mine.get(i - 1).finishedAt()),
                                owners.get(owner) + " had two runs training at once: " + mine.get(i - 1) + " and " + mine.get(i));
                    }
                }
            }
        }
    }

    @Test
    void aStudentAloneStillTrainsOneRunAtATimeWhenTheLabSaysSo() throws Exception {
        NativeBackend.warmUp();
        try (Database db = Database.open(databaseUrl())) {
            LabService labs = new LabService(new LabStore(db), new IssuedTokens(new TokenStore(db)));
            try (RunService runs = new RunService(new RunStore(db), new RunEvents(), 2, QueuePolicy.defaults(2), 600, labs)) {
                Lab lab = labs.create("Alone", LabSettings.defaults(), null).lab();
                String owner = OwnerTokens.ownerOf(new IssuedTokens(new TokenStore(db)).issue(null));
                labs.join(lab.joinCode(), "Asha", owner);
                List<Run> submitted = runs.submit(experiment(lab.joinCode()), owner).runs();
                runs.start();
                List<Run> done = awaitAll(runs, submitted);
                Run first = done.get(0).startedAt().isBefore(done.get(1).startedAt()) ? done.get(0) : done.get(1);
                Run second = first == done.get(0) ? done.get(1) : done.get(0);
                assertFalse(second.startedAt().isBefore(first.finishedAt()), "both arms trained at once: " + done);
            }
        }
    }

    /** When {@code owner} last became free to start before {@code at}: their last run's end, null if none had started. */
    static OffsetDateTime freeSince(List<Run> runs, String owner, OffsetDateTime at) {
        return runs.stream().filter(r -> r.owner().equals(owner) && r.startedAt().isBefore(at)).map(Run::finishedAt)
                .max(Comparator.naturalOrder()).orElse(null);
    }

    static List<Run> awaitAll(RunService runs, List<Run> submitted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<Run> now = submitted.stream().map(r -> runs.run(r.id()).orElseThrow()).toList();
            if (now.stream().allMatch(r -> RunStatus.of(r.status()).isFinal())) return now;
            assertTrue(System.nanoTime() < deadline, "runs did not finish: " + now);
            Thread.sleep(100);
        }
    }

    static RunService.ExperimentSpec experiment(String joinCode) {
        List<RunService.Arm> arms = new ArrayList<>();
        // seeds of their own: the queue is what is tested, and identical runs would share one training
        for (ModelKind kind : List.of(ModelKind.RNN, ModelKind.LSTM)) {
            var settings = RunServiceTest.tiny(20).tunedFor(kind);
            settings.seed = RunServiceTest.freshSeed();
            arms.add(new RunService.Arm(kind, settings));
        }
        return new RunService.ExperimentSpec("fair", joinCode, CorpusSpec.ofPreset("seed-examples", null), arms);
    }
}
