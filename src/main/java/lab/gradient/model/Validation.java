package lab.gradient.model;

/** One evaluation of a run on its validation windows. */
public record Validation(int iteration, int epoch, double loss, double perplexity, double top1, double top5, double longRangeAccuracy) {}
