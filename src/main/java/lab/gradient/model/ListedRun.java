package lab.gradient.model;

/**
 * A run in a list, with the name of its experiment; {@code longRangeTask}: its sentences are the long-range task, whose
 * answers sit a known distance after their key, so its long-range accuracy is the one the lessons mean (on plain text
 * there is none to show).
 */
public record ListedRun(Run run, String experimentName, boolean longRangeTask) {}
