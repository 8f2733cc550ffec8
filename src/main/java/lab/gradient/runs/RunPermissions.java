package lab.gradient.runs;

import java.util.Collection;
import lab.gradient.model.Run;

/**
 * The permission rules of runs and experiments, once, for the API and the UI: who may cancel and delete (its owner,
 * and for a lab's also the lab's teacher), who follows a run as their own, and to whom a run's lab is named.
 */
public final class RunPermissions {
    private final LabRules rules;

    RunPermissions(LabRules rules) {
        this.rules = rules;
    }

    /**
     * The one rule of who may cancel or delete: a run's or an experiment's owner, and for a lab's also the lab's
     * teacher. Reading needs no rule: a run's id is unguessable, so its link is a read-only capability.
     */
    public boolean mayManage(String owner, String lab, Collection<String> callers) {
        return owns(owner, callers) || lab != null && rules.teaches(lab, callers);
    }

    static boolean owns(String owner, Collection<String> callers) {
        return callers.stream().anyMatch(caller -> OwnerTokens.sameOwner(caller, owner));
    }

    /** Whether one of {@code callers} owns the run or is a member of its lab: those who follow it as their own. */
    public boolean isInsider(Run run, Collection<String> callers) {
        return owns(run.owner(), callers) || labShownTo(run.lab(), callers) != null;
    }

    /**
     * The lab a run or experiment belongs to, as {@code callers} may see it: its id for the lab's members, null for anyone
     * else. A run's link is shared freely; the lab's id would lead a stranger to the lab's page and its members.
     */
    public String labShownTo(String lab, Collection<String> callers) {
        return lab != null && rules.belongs(lab, callers) ? lab : null;
    }

    /** Refuses unless one of {@code callers} may manage what {@code owner} owns in {@code lab} (the rule of {@link #mayManage}). */
    public void requireManager(String owner, String lab, Collection<String> callers) {
        if (mayManage(owner, lab, callers)) return;
        throw new NotPermitted(callers.isEmpty(), lab == null ? "only its owner may do this"
                : "only its owner or the lab's teacher may do this");
    }
}
