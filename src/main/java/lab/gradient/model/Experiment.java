package lab.gradient.model;

import java.time.OffsetDateTime;
import lab.gradient.training.CorpusSpec;

/** An experiment as stored: its sentences' source decoded, so no caller knows the column's format. */
public record Experiment(String id, String name, String owner, String lab, CorpusSpec corpus, String lesson, OffsetDateTime createdAt) {}
