package lab.gradient.lessons;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import lab.gradient.labs.LabService;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.store.LabStore;
import lab.gradient.store.RunStore;
import lab.gradient.store.SweepStore;
import lab.gradient.store.TokenStore;
import lab.gradient.sweeps.SweepService;
import lab.gradient.training.NativeBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The distance sweep's claim, on the lesson's own grid reduced to d = 5 and d = 30: at 5 both models answer the key
 * (≥ 0.9), at 30 the LSTM still does (≥ 0.9) and the tanh RNN is near guessing (≤ 0.4). (At d = 20 the tanh RNN has
 * learned the key partly on the lesson's seed since our optimizer's step: 0.515; docs/lessons.md.) Trained through the sweep
 * service exactly as a user's sweep is.
 */
class DistanceSweepTest {
    /** The crossing on one sweep; the failures, in words, or none. */
    static List<String> crossing(SweepService.View sweep) {
        List<String> failures = new ArrayList<>();
        for (SweepService.Point p : sweep.points()) {
            double a = p.longRangeAccuracy();
            boolean holds = p.distance() == 5 || p.model().equals("lstm") ? a >= 0.9 : a <= 0.4;
            if (!holds) failures.add(p.model() + " at d = " + p.distance() + ", seed " + p.seed() + ": accuracy " + a);
        }
        return failures;
    }

    static SweepService.View sweep(long seed, int seeds) throws InterruptedException {
        NativeBackend.warmUp();
        ObjectNode body = Lessons.distanceSweep().sweep();
        body.putArray("distances").add(5).add(30);
        body.put("seeds", seeds);
        ((ObjectNode) body.get("training")).put("seed", seed);
        try (Database db = Database.open("jdbc:h2:mem:sweep-truth-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")) {
            IssuedTokens tokens = new IssuedTokens(new TokenStore(db));
            LabService labs = new LabService(new LabStore(db), tokens);
            try (RunService runs = new RunService(new RunStore(db), new RunEvents(), 2, QueuePolicy.defaults(2), 600, labs)) {
                SweepService sweeps = new SweepService(new SweepStore(db), runs, labs);
                String id = sweeps.create(body, "truth").id();
                runs.start();
                while (!sweeps.view(id, java.util.List.of()).status().equals("finished")) Thread.sleep(500);
                SweepService.View view = sweeps.view(id, java.util.List.of());
                view.points().forEach(p -> System.out.println(p.model() + " d=" + p.distance() + " seed " + p.seed() + ": " + p.status()
                        + ", accuracy " + p.longRangeAccuracy() + ", g(d)/g(0) " + p.flowRatio() + " (at 0: " + p.initialFlowRatio() + ")"));
                return view;
            }
        }
    }

    /** The lesson's own seed, in the default run (about 90 s on 2 cores). */
    @Test
    void onTheLessonsSeedTheRnnBreaksBetweenFiveAndThirtyAndTheLstmDoesNot() throws Exception {
        List<String> failures = crossing(sweep(42, 1));
        assertTrue(failures.isEmpty(), String.join("; ", failures));
    }

    /**
     * Seeds 42, 43, 44: the crossing holds on at least two of three (it held on all three, docs/lessons.md). About 4 minutes
     * on 2 cores:
     * {@code mvn verify -Dgroups=lessons -Dexcluded.groups= -Dtest='DistanceSweepTest#*Three*'}.
     */
    @Test
    @Tag("lessons")
    void theCrossingHoldsOnAtLeastTwoOfThreeSeeds() throws Exception {
        SweepService.View view = sweep(42, 3);
        int held = 0;
        List<String> seen = new ArrayList<>();
        for (long seed : List.of(42L, 43L, 44L)) {
            List<String> failures = crossing(new SweepService.View(view.id(), view.name(), view.lab(), view.grid(), view.status(),
                    view.cells(), view.started(), view.guessing(), view.points().stream().filter(p -> p.seed() == seed).toList(), List.of()));
            if (failures.isEmpty()) held++;
            seen.add("seed " + seed + (failures.isEmpty() ? ": holds" : ": " + String.join(", ", failures)));
        }
        assertTrue(held >= 2, String.join("; ", seen));
    }
}
