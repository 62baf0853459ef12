package io.journeyorchestrator.config;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A whole job folder, validated as one: settings, patterns, audiences and suppressions, and the
 * events catalog its conditions were checked against ({@code catalog} is null when the folder has
 * no events.yaml).
 */
public record JobDefinition(
    JobSettings settings,
    List<PatternDefinition> patterns,
    List<AudienceDefinition> audiences,
    List<SuppressionDefinition> suppressions,
    EventCatalog catalog)
    implements Serializable {

  public JobDefinition {
    patterns = List.copyOf(patterns);
    audiences = List.copyOf(audiences);
    suppressions = List.copyOf(suppressions);
  }

  public Optional<EventCatalog> catalogOptional() {
    return Optional.ofNullable(catalog);
  }

  public JobDefinition withSettings(JobSettings changed) {
    return new JobDefinition(changed, patterns, audiences, suppressions, catalog);
  }

  public String summary() {
    return "OK: " + patterns.size() + " patterns, " + audiences.size() + " audiences, "
        + suppressions.size() + " suppressions";
  }
}
