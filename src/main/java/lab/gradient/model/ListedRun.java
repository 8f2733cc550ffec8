package lab.gradient.model;

/** A run in a list, with the name of its experiment. */
public record ListedRun(Run run, String experimentName) {}
