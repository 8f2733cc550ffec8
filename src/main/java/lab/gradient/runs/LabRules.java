package lab.gradient.runs;

import java.util.Collection;
import lab.gradient.training.SettingsException;

/**
 * What labs add to the run service's rules. Labs implement this; {@code runs} does not know what a lab is.
 * {@link #admit} is checked by {@link RunService#submit} inside the same lock as its queue limits, so two quick
 * submissions cannot both slip past a limit.
 */
public interface LabRules {
    /** Refuses the submission (with a field-named reason) or returns the id of the lab it belongs to, or null. */
    String admit(RunService.ExperimentSpec spec, String owner);

    /**
     * The experiment with the seeds the lab gives this student: unchanged unless the lab gives each student a seed of
     * their own (then every arm's seed is offset by the student's number in the class).
     */
    default RunService.ExperimentSpec seeded(RunService.ExperimentSpec spec, String owner) {
        return spec;
    }

    /** Whether one of {@code callers} teaches the lab {@code labId}: a teacher may cancel and delete its students' runs. */
    boolean teaches(String labId, Collection<String> callers);

    /** Whether one of {@code callers} is a member of the lab {@code labId} (its teacher or a student who joined). */
    boolean belongs(String labId, Collection<String> callers);

    LabRules NO_LABS = new LabRules() {
        @Override
        public String admit(RunService.ExperimentSpec spec, String owner) {
            if (spec.lab() != null) throw new SettingsException("lab", "no lab has the join code '" + spec.lab() + "'");
            return null;
        }

        @Override
        public boolean teaches(String labId, Collection<String> callers) {
            return false;
        }

        @Override
        public boolean belongs(String labId, Collection<String> callers) {
            return false;
        }
    };
}
