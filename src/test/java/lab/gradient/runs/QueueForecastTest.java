package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import lab.gradient.store.RunStore;
import org.junit.jupiter.api.Test;

/** The queue's forecast plays the workers' fair policy forward: places in line, and start times from the pace. */
class QueueForecastTest {
    static final OffsetDateTime EARLIER = OffsetDateTime.parse("2026-11-29T10:00:00Z"), LATER = EARLIER.plusMinutes(5);

    static RunStore.Active running(String id, String owner, String lab, int done, int total) {
        return new RunStore.Active(id, owner, lab, true, "rnn", done, total, 1e9, id);
    }

    static RunStore.Active queued(String id, String owner, String lab, int total) {
        return new RunStore.Active(id, owner, lab, false, "rnn", 0, total, 1e9, id);
    }

    /** One second per step for every run. */
    static double oneSecond(String model, double flops) {
        return 1;
    }

    @Test
    void theStudentWithFewestRunsTrainingGoesFirstAndEachStartsWhenAWorkerFrees() {
        // two workers busy: Asha's run ends in 10 s, Ben's in 20 s; Asha has two more waiting, Chen (never started) one
        List<RunStore.WaitingOwner> owners = List.of(new RunStore.WaitingOwner("asha", null, 1, 1, 0, 0, LATER),
                new RunStore.WaitingOwner("chen", null, 3, 0, 0, 0, null));
        List<RunStore.Active> active = List.of(running("a0", "asha", null, 90, 100), running("b0", "ben", null, 80, 100),
                queued("a1", "asha", null, 30), queued("a2", "asha", null, 30), queued("c1", "chen", null, 50));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 2, 2, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 10), places.get("c1"), "Chen has none training: first, when Asha's run ends");
        assertEquals(new QueueForecast.Place(2, 20), places.get("a1"), "then Asha, when Ben's run ends");
        assertEquals(new QueueForecast.Place(3, 50), places.get("a2"), "then Asha again, when her first one ends at 20 + 30");
        assertEquals(3, places.size(), "running runs have no place in line");
    }

    @Test
    void aLabsOneRunPerStudentHoldsTheSecondArmBackEvenWithAWorkerFree() {
        List<RunStore.WaitingOwner> owners = List.of(new RunStore.WaitingOwner("asha", "lab", 1, 0, 0, 1, null));
        List<RunStore.Active> active = List.of(queued("rnn", "asha", "lab", 40), queued("lstm", "asha", "lab", 40));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 2, 2, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 0), places.get("rnn"));
        assertEquals(new QueueForecast.Place(2, 40), places.get("lstm"), "waits for her first run, not for a worker");
    }

    @Test
    void runsSharingATrainingStartTogetherAndHoldOneWorker() {
        List<RunStore.WaitingOwner> owners = List.of(new RunStore.WaitingOwner("asha", null, 1, 0, 0, 0, null),
                new RunStore.WaitingOwner("ben", null, 2, 0, 0, 0, null), new RunStore.WaitingOwner("chen", null, 3, 0, 0, 0, null));
        // Asha's and Ben's runs are identical: one training; Chen's is another
        List<RunStore.Active> active = List.of(new RunStore.Active("a", "asha", null, false, "rnn", 0, 60, 1e9, "shared"),
                new RunStore.Active("b", "ben", null, false, "rnn", 0, 60, 1e9, "shared"), queued("c", "chen", null, 30));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 1, 1, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 0), places.get("a"));
        assertEquals(new QueueForecast.Place(1, 0), places.get("b"), "Ben's run starts with the training it shares");
        assertEquals(new QueueForecast.Place(2, 60), places.get("c"), "one worker, one training ahead");
    }

    @Test
    void withoutAPaceThePlacesStandAndTheTimesAreUnknown() {
        List<RunStore.WaitingOwner> owners = List.of(new RunStore.WaitingOwner("asha", null, 1, 0, 0, 0, EARLIER),
                new RunStore.WaitingOwner("ben", null, 2, 0, 0, 0, null));
        List<RunStore.Active> active = List.of(queued("a1", "asha", null, 40), queued("b1", "ben", null, 40));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 1, 1, (model, flops) -> Double.NaN);
        assertEquals(1, places.get("b1").position(), "Ben never started a run: he goes before Asha");
        assertEquals(2, places.get("a1").position());
        assertEquals(0, places.get("b1").startsInSeconds(), "a worker is free: it starts now");
        assertTrue(Double.isNaN(places.get("a1").startsInSeconds()), "after a run of unknown length: unknown");
    }
}
