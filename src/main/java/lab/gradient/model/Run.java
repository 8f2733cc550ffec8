package lab.gradient.model;

import java.time.OffsetDateTime;
import lab.gradient.training.TrainingResult;
import lab.gradient.training.TrainingSettings;

/**
 * A run as stored, its settings and summary decoded ({@code summary} null until it has ended with one): callers
 * read typed values and never the columns' JSON. {@code iterations} of {@code totalIterations} is its progress;
 * {@code cancelledBy} says who asked to cancel it ("owner" or "teacher"), or is null; {@code trainingId} is the
 * training it shares with every identical run.
 */
public record Run(String id, String experimentId, int arm, String model, TrainingSettings settings, String owner, String lab,
            String status, OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt,
            int iterations, int totalIterations, TrainingResult.Summary summary, String error, String cancelledBy,
            double flopsPerIteration, String trainingId) {}
