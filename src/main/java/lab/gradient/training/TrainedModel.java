package lab.gradient.training;

import lab.gradient.training.engine.RecurrentEngine;

/**
 * A network with the vocabulary and settings it was trained with: all that prediction needs, and the engine that
 * reads with its weights ({@link #reader}).
 */
public final class TrainedModel {
    private final Network network;
    private final Vocabulary vocabulary;
    private final TrainingSettings settings;
    private final boolean lowerCase;
    private RecurrentEngine reader;

    public TrainedModel(Network network, Vocabulary vocabulary, TrainingSettings settings, boolean lowerCase) {
        this.network = network;
        this.vocabulary = vocabulary;
        this.settings = settings;
        this.lowerCase = lowerCase;
    }

    public Network network() {
        return network;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public TrainingSettings settings() {
        return settings;
    }

    public boolean lowerCase() {
        return lowerCase;
    }

    /**
     * Our engine holding this model's weights, for one window at a time (a batch of 1, up to the window T): predictions,
     * generation and the x-ray read with it. Made at first use, with a copy of the weights, which no longer change once
     * a model is trained. Its passes are not reentrant: callers hold its lock.
     */
    synchronized RecurrentEngine reader() {
        if (reader == null) reader = EngineBinding.forReading(network.kind, settings, vocabulary.size(), network.model);
        return reader;
    }
}
