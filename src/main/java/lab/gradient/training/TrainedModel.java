package lab.gradient.training;

/** A network with the vocabulary and settings it was trained with: all that prediction needs. */
public record TrainedModel(Network network, Vocabulary vocabulary, TrainingSettings settings, boolean lowerCase) {}
