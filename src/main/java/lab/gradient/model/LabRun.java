package lab.gradient.model;

/**
 * A lab run with who ran it and in which experiment: one row of the dashboard; {@code longRangeTask} as in
 * {@link ListedRun}.
 */
public record LabRun(Run run, String student, String experimentName, boolean longRangeTask) {}
