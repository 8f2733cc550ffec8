package lab.gradient.model;

import java.time.OffsetDateTime;

/** A member of a lab: their identity, the name the class sees, and when they joined. */
public record Participant(String labId, String owner, String name, OffsetDateTime joinedAt) {}
