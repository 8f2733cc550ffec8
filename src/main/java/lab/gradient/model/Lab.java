package lab.gradient.model;

import java.time.OffsetDateTime;

/** A classroom lab: its join code, its name, its teacher's identity, its settings as stored (read them through LabService.settings) and whether it is open. */
public record Lab(String id, String joinCode, String name, String teacher, String settingsJson, boolean open,
            OffsetDateTime createdAt) {}
