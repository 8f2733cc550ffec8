package lab.gradient.runs;

import lab.gradient.training.SettingsException;

/**
 * The rules of the place a submission goes to, checked by {@link RunService#submit} inside the same lock as its
 * queue limits, so two quick submissions cannot both slip past a limit. Labs implement this; {@code runs} does not
 * know what a lab is.
 */
public interface SubmissionRules {
    /** Refuses the submission (with a field-named reason) or returns the id of the lab it belongs to, or null. */
    String admit(RunService.ExperimentSpec spec, String owner);

    SubmissionRules NO_LABS = (spec, owner) -> {
        if (spec.lab() != null) throw new SettingsException("lab", "no lab has the join code '" + spec.lab() + "'");
        return null;
    };
}
