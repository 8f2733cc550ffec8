package lab.gradient.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Which experiments form a lesson's seed group: stored with them, in the same transaction. A group started for a lab
 * carries the lab's id: the class's seeds are every such group's, read together.
 */
public final class SeedGroupStore {
    /** One experiment of a group: the lesson's own on {@code seed} ({@code variant} null), or one of its variants. */
    public record Member(String experimentId, long seed, String variant) {}

    private final Jdbi jdbi;

    public SeedGroupStore(Database database) {
        this.jdbi = database.jdbi();
    }

    /** Where an experiment's group is: its id, and the lab it was started for (null if none). */
    public record Membership(String groupId, String labId) {}

    /**
     * Stores the group's members as their experiments are stored: {@code members} in the order of the experiments;
     * {@code labId} the lab the group was started for, or null.
     */
    public static RunStore.Alongside with(String groupId, String labId, List<Member> members) {
        return (h, experimentIds) -> {
            if (experimentIds.size() != members.size()) throw new IllegalStateException(experimentIds.size() + " experiments, " + members.size() + " members");
            for (int i = 0; i < members.size(); i++) {
                h.createUpdate("INSERT INTO seed_groups (experiment_id, group_id, seed, variant, lab_id) VALUES (?, ?, ?, ?, ?)")
                        .bind(0, experimentIds.get(i)).bind(1, groupId).bind(2, members.get(i).seed()).bind(3, members.get(i).variant())
                        .bind(4, labId).execute();
            }
        };
    }

    /** The group an experiment belongs to, if any. */
    public Optional<Membership> groupOf(String experimentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT group_id, lab_id FROM seed_groups WHERE experiment_id = ?").bind(0, experimentId)
                .map((rs, ctx) -> new Membership(rs.getString(1), rs.getString(2))).findOne());
    }

    /** Every group's experiments started for a lab still stored, ordered as {@link #members}. */
    public List<Member> membersOfLab(String labId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT experiment_id, seed, variant FROM seed_groups WHERE lab_id = ? "
                        + "ORDER BY seed, CASE WHEN variant IS NULL THEN 0 ELSE 1 END, variant, experiment_id").bind(0, labId)
                .map((rs, ctx) -> new Member(rs.getString(1), rs.getLong(2), rs.getString(3))).list());
    }

    /** A group's experiments still stored, by seed, the lesson's own before its variants. */
    public List<Member> members(String groupId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT experiment_id, seed, variant FROM seed_groups WHERE group_id = ? "
                        + "ORDER BY seed, CASE WHEN variant IS NULL THEN 0 ELSE 1 END, variant").bind(0, groupId)
                .map((rs, ctx) -> new Member(rs.getString(1), rs.getLong(2), rs.getString(3))).list());
    }
}
