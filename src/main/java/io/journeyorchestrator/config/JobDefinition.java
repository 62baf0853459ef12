package io.journeyorchestrator.config;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A whole job folder, validated as one: settings, patterns, audiences, suppressions, actions and
 * the decisions section, and the events catalog its conditions were checked against ({@code
 * catalog} is null when the folder has no events.yaml). {@code warnings} are what the folder
 * loads with but an analyst should look at (e.g. an action's category no suppression knows of).
 */
public record JobDefinition(
    JobSettings settings,
    List<PatternDefinition> patterns,
    List<AudienceDefinition> audiences,
    List<SuppressionDefinition> suppressions,
    EventCatalog catalog,
    List<ActionDefinition> actions,
    DecisionSettings decisions,
    List<ConfigProblem> warnings)
    implements Serializable {

  public JobDefinition {
    patterns = List.copyOf(patterns);
    audiences = List.copyOf(audiences);
    suppressions = List.copyOf(suppressions);
    actions = List.copyOf(actions);
    warnings = List.copyOf(warnings);
  }

  /** A job without actions, decided on with the default settings. */
  public JobDefinition(JobSettings settings, List<PatternDefinition> patterns,
      List<AudienceDefinition> audiences, List<SuppressionDefinition> suppressions,
      EventCatalog catalog) {
    this(settings, patterns, audiences, suppressions, catalog, List.of(),
        DecisionSettings.DEFAULTS, List.of());
  }

  public Optional<EventCatalog> catalogOptional() {
    return Optional.ofNullable(catalog);
  }

  public JobDefinition withSettings(JobSettings changed) {
    return new JobDefinition(changed, patterns, audiences, suppressions, catalog, actions,
        decisions, warnings);
  }

  public String summary() {
    return "OK: " + patterns.size() + " patterns, " + audiences.size() + " audiences, "
        + suppressions.size() + " suppressions"
        + (actions.isEmpty() ? "" : ", " + actions.size() + " actions");
  }
}
