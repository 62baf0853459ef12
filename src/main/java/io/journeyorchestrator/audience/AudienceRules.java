package io.journeyorchestrator.audience;

import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionCompiler;
import io.journeyorchestrator.config.AudienceDefinition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job's audiences, indexed by id, with their enterWhen conditions compiled. Audiences keep their definition order, which is also the order in which
 * their changes for one match are emitted.
 */
public final class AudienceRules implements Serializable {
  private final List<AudienceDefinition> audiences;
  private final Map<String, Condition> enterWhen = new HashMap<>();
  private final Map<String, AudienceDefinition> byId = new HashMap<>();
  private final Map<String, List<AudienceDefinition>> enteredBy = new HashMap<>();
  private final Map<String, List<AudienceDefinition>> exitedBy = new HashMap<>();

  public AudienceRules(List<AudienceDefinition> audiences) {
    this.audiences = List.copyOf(audiences);
    for (AudienceDefinition audience : audiences) {
      byId.put(audience.id(), audience);
      audience.enter().forEach(p -> enteredBy.computeIfAbsent(p, k -> new ArrayList<>()).add(audience));
      audience.exit().forEach(p -> exitedBy.computeIfAbsent(p, k -> new ArrayList<>()).add(audience));
      audience.enterWhenOptional().ifPresent(source -> enterWhen.put(audience.id(),
          ConditionCompiler.compile(source).condition().orElseThrow(() ->
              new IllegalArgumentException(audience.file() + ": enterWhen does not compile"))));
    }
  }

  public List<AudienceDefinition> audiences() {
    return audiences;
  }

  /** The audiences with an {@code expireAfter}, in definition order. */
  public List<AudienceDefinition> expiring() {
    return audiences.stream().filter(a -> a.expireAfterOptional().isPresent()).toList();
  }

  /** The audiences with a cooldown, in definition order. */
  public List<AudienceDefinition> withCooldown() {
    return audiences.stream().filter(a -> a.cooldownOptional().isPresent()).toList();
  }


  public Optional<AudienceDefinition> audience(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The audiences a match of this pattern enters, in definition order. */
  public List<AudienceDefinition> enteredBy(String patternId) {
    return enteredBy.getOrDefault(patternId, List.of());
  }

  /** The audiences a match of this pattern exits, in definition order. */
  public List<AudienceDefinition> exitedBy(String patternId) {
    return exitedBy.getOrDefault(patternId, List.of());
  }

  public Optional<Condition> enterWhen(String audienceId) {
    return Optional.ofNullable(enterWhen.get(audienceId));
  }
}
