package lab.gradient.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import lab.gradient.model.Lab;
import lab.gradient.model.LabRun;
import lab.gradient.model.Participant;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** All SQL about labs and their participants. Every value is a bound parameter. */
public final class LabStore {



    private static final String LAB_COLUMNS = "id, join_code, name, teacher, settings, is_open, created_at";

    private final Jdbi jdbi;

    public LabStore(Database database) {
        this.jdbi = database.jdbi();
    }

    /** False if the join code is already taken (the caller draws another). */
    public boolean insert(Lab lab, int maxTrainingPerStudent) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO labs (id, join_code, name, teacher, settings, max_training_per_student, "
                            + "is_open) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, lab.id()).bind(1, lab.joinCode()).bind(2, lab.name()).bind(3, lab.teacher())
                    .bind(4, lab.settingsJson()).bind(5, maxTrainingPerStudent).bind(6, lab.open()).execute());
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (joinCodeTaken(lab.joinCode())) return false;
            throw e;
        }
    }

    private boolean joinCodeTaken(String joinCode) {
        return byJoinCode(joinCode).isPresent();
    }

    public Optional<Lab> byId(String id) {
        return one("SELECT " + LAB_COLUMNS + " FROM labs WHERE id = ?", id);
    }

    public Optional<Lab> byJoinCode(String joinCode) {
        return one("SELECT " + LAB_COLUMNS + " FROM labs WHERE join_code = ?", joinCode);
    }

    private Optional<Lab> one(String sql, String key) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind(0, key)
                .map((rs, ctx) -> new Lab(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getBoolean(6), rs.getObject(7, OffsetDateTime.class)))
                .findOne());
    }

    public void setOpen(String labId, boolean open) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE labs SET is_open = ? WHERE id = ?").bind(0, open).bind(1, labId).execute());
    }

    /** False if another participant of the lab already has a name with this key. */
    public boolean join(String labId, String owner, String name, String nameKey) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO lab_participants (lab_id, owner, name, name_key) VALUES (?, ?, ?, ?)")
                    .bind(0, labId).bind(1, owner).bind(2, name).bind(3, nameKey).execute());
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (participant(labId, owner).isEmpty() && nameTaken(labId, nameKey)) return false;
            throw e;
        }
    }

    private boolean nameTaken(String labId, String nameKey) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM lab_participants WHERE lab_id = ? AND name_key = ?")
                .bind(0, labId).bind(1, nameKey).mapTo(Integer.class).one()) > 0;
    }

    public Optional<Participant> participant(String labId, String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT lab_id, owner, name, joined_at FROM lab_participants WHERE lab_id = ? AND owner = ?")
                .bind(0, labId).bind(1, owner)
                .map(LabStore::mapParticipant)
                .findOne());
    }

    public List<Participant> participants(String labId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT lab_id, owner, name, joined_at FROM lab_participants WHERE lab_id = ? ORDER BY joined_at, name")
                .bind(0, labId)
                .map(LabStore::mapParticipant)
                .list());
    }

    private static Participant mapParticipant(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new Participant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, OffsetDateTime.class));
    }

    /** The lab's runs, newest first, optionally one student's (by owner id). */
    public List<LabRun> runs(String labId, String studentOwner) {
        String sql = "SELECT r." + RunStore.RUN_COLUMNS.replace(", ", ", r.") + ", p.name, e.name, e.corpus FROM runs r "
                + "JOIN experiments e ON e.id = r.experiment_id "
                + "LEFT JOIN lab_participants p ON p.lab_id = r.lab AND p.owner = r.owner "
                + "WHERE r.lab = :lab" + (studentOwner == null ? "" : " AND r.owner = :owner")
                + " ORDER BY r.created_at DESC, r.experiment_id, r.arm";
        return jdbi.withHandle(h -> {
            var query = h.createQuery(sql).bind("lab", labId);
            if (studentOwner != null) query.bind("owner", studentOwner);
            return query.map((rs, ctx) -> new LabRun(RunStore.mapRun(rs), rs.getString(RunStore.RUN_COLUMN_COUNT + 1),
                    rs.getString(RunStore.RUN_COLUMN_COUNT + 2), RunStore.isLongRange(rs.getString(RunStore.RUN_COLUMN_COUNT + 3)))).list();
        });
    }

    /** How many runs a student has started in the lab, whatever became of them. */
    public int countRuns(String labId, String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM runs WHERE lab = ? AND owner = ?")
                .bind(0, labId).bind(1, owner).mapTo(Integer.class).one());
    }
}
