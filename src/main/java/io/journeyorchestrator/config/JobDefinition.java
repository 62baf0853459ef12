package io.journeyorchestrator.config;

import java.io.Serializable;
import java.util.List;

/** A whole job folder, validated as one: settings, patterns, audiences and suppressions. */
public record JobDefinition(
    JobSettings settings,
    List<PatternDefinition> patterns,
    List<AudienceDefinition> audiences,
    List<SuppressionDefinition> suppressions)
    implements Serializable {

  public JobDefinition {
    patterns = List.copyOf(patterns);
    audiences = List.copyOf(audiences);
    suppressions = List.copyOf(suppressions);
  }

  public String summary() {
    return "OK: " + patterns.size() + " patterns, " + audiences.size() + " audiences, "
        + suppressions.size() + " suppressions";
  }
}
