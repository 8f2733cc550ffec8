package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import lab.gradient.store.QueueStore;
import org.junit.jupiter.api.Test;

/** The queue's forecast plays the workers' fair policy forward: places in line, and start times from the pace. */
class QueueForecastTest {
    static final OffsetDateTime EARLIER = OffsetDateTime.parse("2026-11-29T10:00:00Z"), LATER = EARLIER.plusMinutes(5);

    static QueueStore.Active running(String id, String owner, String lab, int done, int total) {
        return new QueueStore.Active(id, owner, lab, true, "rnn", done, total, 1e9, id);
    }

    static QueueStore.Active queued(String id, String owner, String lab, int total) {
        return new QueueStore.Active(id, owner, lab, false, "rnn", 0, total, 1e9, id);
    }

    /** One second per step for every run. */
    static double oneSecond(String model, double flops) {
        return 1;
    }

    @Test
    void theStudentWithFewestRunsTrainingGoesFirstAndEachStartsWhenAWorkerFrees() {
        // two workers busy: Asha's run ends in 10 s, Ben's in 20 s; Asha has two more waiting, Chen (never started) one
        List<QueueStore.WaitingOwner> owners = List.of(new QueueStore.WaitingOwner("asha", null, 1, 1, 0, 0, LATER),
                new QueueStore.WaitingOwner("chen", null, 3, 0, 0, 0, null));
        List<QueueStore.Active> active = List.of(running("a0", "asha", null, 90, 100), running("b0", "ben", null, 80, 100),
                queued("a1", "asha", null, 30), queued("a2", "asha", null, 30), queued("c1", "chen", null, 50));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 2, 2, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 10), places.get("c1"), "Chen has none training: first, when Asha's run ends");
        assertEquals(new QueueForecast.Place(2, 20), places.get("a1"), "then Asha, when Ben's run ends");
        assertEquals(new QueueForecast.Place(3, 50), places.get("a2"), "then Asha again, when her first one ends at 20 + 30");
        assertEquals(3, places.size(), "running runs have no place in line");
    }

    @Test
    void aLabsOneRunPerStudentHoldsTheSecondArmBackEvenWithAWorkerFree() {
        List<QueueStore.WaitingOwner> owners = List.of(new QueueStore.WaitingOwner("asha", "lab", 1, 0, 0, 1, null));
        List<QueueStore.Active> active = List.of(queued("rnn", "asha", "lab", 40), queued("lstm", "asha", "lab", 40));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 2, 2, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 0), places.get("rnn"));
        assertEquals(new QueueForecast.Place(2, 40), places.get("lstm"), "waits for her first run, not for a worker");
    }

    @Test
    void runsSharingATrainingStartTogetherAndHoldOneWorker() {
        List<QueueStore.WaitingOwner> owners = List.of(new QueueStore.WaitingOwner("asha", null, 1, 0, 0, 0, null),
                new QueueStore.WaitingOwner("ben", null, 2, 0, 0, 0, null), new QueueStore.WaitingOwner("chen", null, 3, 0, 0, 0, null));
        // Asha's and Ben's runs are identical: one training; Chen's is another
        List<QueueStore.Active> active = List.of(new QueueStore.Active("a", "asha", null, false, "rnn", 0, 60, 1e9, "shared"),
                new QueueStore.Active("b", "ben", null, false, "rnn", 0, 60, 1e9, "shared"), queued("c", "chen", null, 30));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 1, 1, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 0), places.get("a"));
        assertEquals(new QueueForecast.Place(1, 0), places.get("b"), "Ben's run starts with the training it shares");
        assertEquals(new QueueForecast.Place(2, 60), places.get("c"), "one worker, one training ahead");
    }

    @Test
    void withoutAPaceThePlacesStandAndTheTimesAreUnknown() {
        List<QueueStore.WaitingOwner> owners = List.of(new QueueStore.WaitingOwner("asha", null, 1, 0, 0, 0, EARLIER),
                new QueueStore.WaitingOwner("ben", null, 2, 0, 0, 0, null));
        List<QueueStore.Active> active = List.of(queued("a1", "asha", null, 40), queued("b1", "ben", null, 40));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 1, 1, (model, flops) -> Double.NaN);
        assertEquals(1, places.get("b1").position(), "Ben never started a run: he goes before Asha");
        assertEquals(2, places.get("a1").position());
        assertEquals(0, places.get("b1").startsInSeconds(), "a worker is free: it starts now");
        assertTrue(Double.isNaN(places.get("a1").startsInSeconds()), "after a run of unknown length: unknown");
    }

    @Test
    void theRangeIsTheForecastAtTheQuickerAndSlowerPace() {
        List<QueueStore.WaitingOwner> owners = List.of(new QueueStore.WaitingOwner("asha", null, 1, 0, 0, 0, null));
        List<QueueStore.Active> active = List.of(running("b0", "ben", null, 0, 100), queued("a1", "asha", null, 30));
        // one worker; a step takes 1 s at the median pace, 0.5 s at the quicker quartile, 2 s at the slower
        Map<String, QueueForecast.Place> places = QueueForecast.withRange(owners, active, 1, 1,
                (model, flops, q) -> q < 0.5 ? 0.5 : q > 0.5 ? 2 : 1);
        assertEquals(new QueueForecast.Place(1, 100, 50, 200), places.get("a1"), "after Ben's 100 steps at each pace");
    }

    @Test
    void aNewForecastMovesTheShownStartAThirdOfTheWay() {
        SteadyStarts starts = new SteadyStarts();
        assertEquals(new QueueForecast.Place(2, 10), starts.steady(Map.of("a1", new QueueForecast.Place(2, 10)), 1000).get("a1"));
        // a second later the forecast says 60 s: the start shown moves from 1010 a third of the way to 1061, not all of it
        QueueForecast.Place shown = starts.steady(Map.of("a1", new QueueForecast.Place(2, 60)), 1001).get("a1");
        assertEquals(1010 + (1061 - 1010) / 3.0 - 1001, shown.startsInSeconds(), 1e-9);
        // a run no longer waiting is forgotten; one waiting again starts afresh
        starts.steady(Map.of(), 1002);
        assertEquals(60, starts.steady(Map.of("a1", new QueueForecast.Place(1, 60)), 1003).get("a1").startsInSeconds(), 1e-9);
    }
}
