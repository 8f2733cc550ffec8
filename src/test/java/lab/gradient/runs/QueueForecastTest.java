package lab.gradient.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import lab.gradient.store.QueueStore;
import org.junit.jupiter.api.Test;

/**
 * The queue's forecast: places are ranks in the fair line as it stands; starts play the line forward, places taken as
 * the workers' claims take them, each run as long as the pace says.
 */
class QueueForecastTest {
    static final OffsetDateTime EARLIER = OffsetDateTime.parse("2026-11-29T10:00:00Z"), LATER = EARLIER.plusMinutes(5);

    static QueueStore.Active running(String id, String owner, String lab, int done, int total) {
        return new QueueStore.Active(id, owner, lab, true, "rnn", done, total, 1e9, id, 0L);
    }

    /** A waiting run holding place {@code seq} in line, or none (null). */
    static QueueStore.Active queued(String id, String owner, String lab, int total, Long seq) {
        return new QueueStore.Active(id, owner, lab, false, "rnn", 0, total, 1e9, id, seq);
    }

    static QueueStore.WaitingOwner waiting(String owner, String lab, long firstSeq, int running, int runningInLab, int labCap,
            OffsetDateTime lastStart) {
        return new QueueStore.WaitingOwner(owner, lab, firstSeq, running, runningInLab, labCap, lastStart, false);
    }

    /** Waiting for {@code ahead} of the owner's own runs, with no place yet, starting at {@code at}. */
    static QueueForecast.Place behind(int ahead, double at) {
        return new QueueForecast.Place(null, ahead, at, at, at);
    }

    /** One second per step for every run. */
    static double oneSecond(String model, double flops) {
        return 1;
    }

    @Test
    void aPlaceIsARankInTheLineAndAnOwnersNextRunTakesTheNextPlaceWhenTheirRunStarts() {
        // two workers busy: Asha's run ends in 10 s, Ben's in 20 s; Asha holds the first place, then Chen came;
        // Asha's second waiting run holds none yet
        List<QueueStore.WaitingOwner> owners = List.of(waiting("asha", null, 1, 1, 0, 0, LATER), waiting("chen", null, 3, 0, 0, 0, null));
        List<QueueStore.Active> active = List.of(running("a0", "asha", null, 90, 100), running("b0", "ben", null, 80, 100),
                queued("a1", "asha", null, 30, 1L), queued("a2", "asha", null, 30, null), queued("c1", "chen", null, 50, 2L));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 2, 2, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 10), places.get("a1"), "first in line: when Asha's run ends");
        assertEquals(new QueueForecast.Place(2, 20), places.get("c1"), "Chen came after her: when Ben's run ends");
        assertEquals(behind(2, 40), places.get("a2"), "behind her run training and her first waiting one, which starts at 10 "
                + "and ends at 40 (she takes no place while Chen, with none training, stands in line)");
        assertEquals(3, places.size(), "running runs have no place in line");
    }

    @Test
    void aLabsOneRunPerStudentHoldsTheSecondArmBackEvenWithAWorkerFree() {
        List<QueueStore.WaitingOwner> owners = List.of(waiting("asha", "lab", 1, 0, 0, 1, null));
        List<QueueStore.Active> active = List.of(queued("rnn", "asha", "lab", 40, 1L), queued("lstm", "asha", "lab", 40, null));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 2, 2, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 0), places.get("rnn"));
        assertEquals(behind(1, 40), places.get("lstm"), "waits for her first run, not for a worker");
    }

    @Test
    void atItsCapAStudentsNextRunWaitsForTheRunTrainingAndOthersStandAhead() {
        // Asha trains one run in a lab of one run per student; Ben holds the only place; her next run has none
        List<QueueStore.WaitingOwner> owners = List.of(waiting("asha", "lab", 1, 1, 1, 1, LATER), waiting("ben", "lab", 2, 0, 0, 1, null));
        List<QueueStore.Active> active = List.of(running("a0", "asha", "lab", 0, 20), queued("a1", "asha", "lab", 30, null),
                queued("b1", "ben", "lab", 30, 1L));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 2, 2, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 0), places.get("b1"));
        assertEquals(behind(1, 20), places.get("a1"), "her run training is the one it waits for");
    }

    @Test
    void aStudentWithARunTrainingTakesNoPlaceWhileSomeoneWithNoneWaits() {
        // two workers busy: Asha's run ends at 100 s, Ben's at 10 s; Chen, with none training, holds the one place; Asha
        // (who started first) and Ben each have a second run waiting
        List<QueueStore.WaitingOwner> owners = List.of(waiting("asha", null, 1, 1, 0, 0, EARLIER), waiting("ben", null, 2, 1, 0, 0, LATER),
                waiting("chen", null, 3, 0, 0, 0, null));
        List<QueueStore.Active> active = List.of(running("a0", "asha", null, 0, 100), running("b0", "ben", null, 0, 10),
                queued("a1", "asha", null, 20, null), queued("b1", "ben", null, 20, null), queued("c1", "chen", null, 20, 1L));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 2, 2, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 10), places.get("c1"), "Chen's first run when Ben's ends");
        // Ben, whose run ended at 10, stands before Asha, whose run still trains: she takes her place only once nobody
        // with none training waits, so her second run does not take a worker before his
        assertEquals(behind(1, 30), places.get("b1"));
        assertEquals(behind(1, 50), places.get("a1"));
    }

    @Test
    void aStudentHoldsOnePlaceForHerLabRunsAndTheRestTogether() {
        // one worker, busy for 10 s; nobody holds a place yet: Asha's lesson arm in the lab, the variant queued with it
        // outside the lab, then Ben's run
        List<QueueStore.WaitingOwner> owners = List.of(waiting("asha", "lab", 1, 0, 0, 1, null), waiting("asha", null, 2, 0, 0, 0, null),
                waiting("ben", "lab", 3, 0, 0, 1, null));
        List<QueueStore.Active> active = List.of(running("x0", "xi", null, 0, 10), queued("arm", "asha", "lab", 10, null),
                queued("variant", "asha", null, 10, null), queued("b1", "ben", "lab", 10, null));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 1, 2, QueueForecastTest::oneSecond);
        assertEquals(10, places.get("arm").startsInSeconds());
        assertEquals(20, places.get("b1").startsInSeconds(), "Ben's run before Asha's second: she holds one place, not one per lab");
        assertEquals(30, places.get("variant").startsInSeconds());
        assertEquals(1, places.get("variant").ownRunsAhead(), "it waits for her arm");
    }

    @Test
    void runsSharingATrainingStartTogetherAndHoldOneWorker() {
        List<QueueStore.WaitingOwner> owners = List.of(waiting("asha", null, 1, 0, 0, 0, null), waiting("ben", null, 2, 0, 0, 0, null),
                waiting("chen", null, 3, 0, 0, 0, null));
        // Asha's and Ben's runs are identical: one training, one place; Chen's is another
        List<QueueStore.Active> active = List.of(new QueueStore.Active("a", "asha", null, false, "rnn", 0, 60, 1e9, "shared", 1L),
                new QueueStore.Active("b", "ben", null, false, "rnn", 0, 60, 1e9, "shared", 2L), queued("c", "chen", null, 30, 3L));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 1, 1, QueueForecastTest::oneSecond);
        assertEquals(new QueueForecast.Place(1, 0), places.get("a"));
        assertEquals(new QueueForecast.Place(1, 0), places.get("b"), "Ben's run starts with the training it shares");
        assertEquals(new QueueForecast.Place(2, 60), places.get("c"), "one worker, one training ahead");
    }

    @Test
    void ownersWhoTakePlacesTogetherStandInTheFairOrder() {
        // nobody holds a place yet (as just after an upgrade): Ben, who never started a run, stands before Asha
        List<QueueStore.WaitingOwner> owners = List.of(waiting("asha", null, 1, 0, 0, 0, EARLIER), waiting("ben", null, 2, 0, 0, 0, null));
        List<QueueStore.Active> active = List.of(running("c0", "chen", null, 0, 10), queued("a1", "asha", null, 40, null),
                queued("b1", "ben", null, 40, null));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 1, 1, QueueForecastTest::oneSecond);
        assertEquals(10, places.get("b1").startsInSeconds(), "Ben first, when Chen's run ends");
        assertEquals(50, places.get("a1").startsInSeconds());
    }

    @Test
    void withoutAPaceThePlacesStandAndTheTimesAreUnknown() {
        List<QueueStore.WaitingOwner> owners = List.of(waiting("asha", null, 1, 0, 0, 0, EARLIER), waiting("ben", null, 2, 0, 0, 0, null));
        List<QueueStore.Active> active = List.of(queued("a1", "asha", null, 40, 1L), queued("b1", "ben", null, 40, 2L));
        Map<String, QueueForecast.Place> places = QueueForecast.of(owners, active, 1, 1, (model, flops) -> Double.NaN);
        assertEquals(1, places.get("a1").position());
        assertEquals(2, places.get("b1").position());
        assertEquals(0, places.get("a1").startsInSeconds(), "a worker is free: it starts now");
        assertTrue(Double.isNaN(places.get("b1").startsInSeconds()), "after a run of unknown length: unknown");
    }

    @Test
    void theRangeIsTheForecastAtTheQuickerAndSlowerPace() {
        List<QueueStore.WaitingOwner> owners = List.of(waiting("asha", null, 1, 0, 0, 0, null));
        List<QueueStore.Active> active = List.of(running("b0", "ben", null, 0, 100), queued("a1", "asha", null, 30, 1L));
        // one worker; a step takes 1 s at the median pace, 0.5 s at the quicker quartile, 2 s at the slower
        Map<String, QueueForecast.Place> places = QueueForecast.withRange(owners, active, 1, 1,
                (model, flops, q) -> q < 0.5 ? 0.5 : q > 0.5 ? 2 : 1);
        assertEquals(new QueueForecast.Place(1, 0, 100, 50, 200), places.get("a1"), "after Ben's 100 steps at each pace");
    }

    @Test
    void aNewForecastMovesTheShownStartAThirdOfTheWay() {
        SteadyStarts starts = new SteadyStarts();
        assertEquals(new QueueForecast.Place(2, 10), starts.steady(Map.of("a1", new QueueForecast.Place(2, 10)), 1000).get("a1"));
        // a second later the forecast says 60 s: the start shown moves from 1010 a third of the way to 1061, not all of it
        QueueForecast.Place shown = starts.steady(Map.of("a1", new QueueForecast.Place(2, 60)), 1001).get("a1");
        assertEquals(1010 + (1061 - 1010) / 3.0 - 1001, shown.startsInSeconds(), 1e-9);
        assertNull(starts.steady(Map.of("a2", behind(1, 5)), 1002).get("a2").position(), "a run with no place keeps none");
        // a run no longer waiting is forgotten; one waiting again starts afresh
        starts.steady(Map.of(), 1002);
        assertEquals(60, starts.steady(Map.of("a1", new QueueForecast.Place(1, 60)), 1003).get("a1").startsInSeconds(), 1e-9);
    }

    @Test
    void thePacesQuartilesInterpolateBetweenOrderStatistics() {
        // R-7, NumPy's default: h = (n − 1)·q
        assertEquals(1.75, ServerPace.quantile(new double[] {4, 1, 3, 2}, 0.25), 1e-12);
        assertEquals(2.5, ServerPace.quantile(new double[] {4, 1, 3, 2}, 0.5), 1e-12);
        assertEquals(3.25, ServerPace.quantile(new double[] {4, 1, 3, 2}, 0.75), 1e-12);
        assertTrue(Double.isNaN(ServerPace.quantile(new double[0], 0.5)), "no paces: unknown");
    }
}
