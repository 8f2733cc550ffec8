package lab.gradient.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Which experiments form a lesson's seed group: stored with them, in the same transaction. */
public final class SeedGroupStore {
    /** One experiment of a group: the lesson's own on {@code seed} ({@code variant} null), or one of its variants. */
    public record Member(String experimentId, long seed, String variant) {}

    private final Jdbi jdbi;

    public SeedGroupStore(Database database) {
        this.jdbi = database.jdbi();
    }

    /** Stores the group's members as their experiments are stored: {@code members} in the order of the experiments. */
    public static RunStore.Alongside with(String groupId, List<Member> members) {
        return (h, experimentIds) -> {
            if (experimentIds.size() != members.size()) throw new IllegalStateException(experimentIds.size() + " experiments, " + members.size() + " members");
            for (int i = 0; i < members.size(); i++) {
                h.createUpdate("INSERT INTO seed_groups (experiment_id, group_id, seed, variant) VALUES (?, ?, ?, ?)")
                        .bind(0, experimentIds.get(i)).bind(1, groupId).bind(2, members.get(i).seed()).bind(3, members.get(i).variant())
                        .execute();
            }
        };
    }

    /** The group an experiment belongs to, if any. */
    public Optional<String> groupOf(String experimentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT group_id FROM seed_groups WHERE experiment_id = ?").bind(0, experimentId)
                .mapTo(String.class).findOne());
    }

    /** A group's experiments still stored, by seed, the lesson's own before its variants. */
    public List<Member> members(String groupId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT experiment_id, seed, variant FROM seed_groups WHERE group_id = ? "
                        + "ORDER BY seed, CASE WHEN variant IS NULL THEN 0 ELSE 1 END, variant").bind(0, groupId)
                .map((rs, ctx) -> new Member(rs.getString(1), rs.getLong(2), rs.getString(3))).list());
    }
}
