package lab.gradient.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A class sweep's cell claimed by a process that died before submitting its experiment is given again, not counted as
 * started for ever (issue 30, finding 7). Real H2.
 */
class SweepClaimTest {
    Database database;
    SweepStore sweeps;

    @BeforeEach
    void open() {
        database = Database.open("jdbc:h2:mem:sweep-claims-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        sweeps = new SweepStore(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aClaimWhoseExperimentNeverCameGivesItsCellBackAfterAMinute() {
        String sweep = Ids.newId();
        database.jdbi().useTransaction(h -> SweepStore.with(new SweepStore.Sweep(sweep, "class sweep", "teacher", null, "{}", null))
                .store(h, java.util.List.of()));
        int[] first = sweeps.claimCell(sweep, "asha", 3);
        assertEquals(0, first[1]);
        // a claim just made still counts: the next student gets the next cell
        assertEquals(1, sweeps.claimCell(sweep, "ben", 3)[1]);
        // Asha's process died before it submitted: her claim is two minutes old and has no experiment
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE sweep_points SET claimed_at = CURRENT_TIMESTAMP - INTERVAL '2' MINUTE "
                + "WHERE sweep_id = ? AND ordinal = ?").bind(0, sweep).bind(1, first[0]).execute());
        assertEquals(0, sweeps.claimCell(sweep, "chen", 3)[1], "the abandoned cell is given again, before the third");
    }
}
