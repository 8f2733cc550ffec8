package lab.gradient.training;

import java.util.List;

/** A continuation a trained model wrote after a prefix: the text, its words, and the prefix's words it never saw. */
public record Generation(String text, List<String> words, List<String> unknown) {}
