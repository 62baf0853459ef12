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
 * The job's audiences, indexed by id, with their enterWhen conditions compiled. Audiences keep
 * their definition order, which is also the order in which their changes for one match are
 * emitted.
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

  /**
   * The audiences whose memberships can carry an expiry, in the order in which expiries at one
   * instant apply: those with {@code expireAfter} or {@code memberFor} in definition order, then
   * the composed ones (which end with their parts) after their parts.
   */
  public List<AudienceDefinition> expiring() {
    List<AudienceDefinition> expiring = new ArrayList<>(audiences.stream()
        .filter(a -> !a.isComposed() && a.expireAfterOptional().isPresent()).toList());
    expiring.addAll(composed());
    return expiring;
  }

  /**
   * The composed audiences ({@code while}), each after the composed audiences it reads, so one
   * pass brings them all up to date. The loader has refused cycles.
   */
  public List<AudienceDefinition> composed() {
    List<AudienceDefinition> ordered = new ArrayList<>();
    for (AudienceDefinition audience : audiences) {
      addAfterParts(audience, ordered);
    }
    return ordered;
  }

  private void addAfterParts(AudienceDefinition audience, List<AudienceDefinition> ordered) {
    if (!audience.isComposed() || ordered.contains(audience)) {
      return;
    }
    for (String part : audience.composition().parts()) {
      AudienceDefinition read = byId.get(part);
      if (read != null) {
        addAfterParts(read, ordered);
      }
    }
    ordered.add(audience);
  }

  /** Whether the audience's enterWhen reads {@code audiences}, the customer's memberships. */
  public boolean enterWhenReadsAudiences(String audienceId) {
    Condition condition = enterWhen.get(audienceId);
    return condition != null && condition.readsAudiences();
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
