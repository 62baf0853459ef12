package io.journeyorchestrator.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A journey-driven audience: patterns that enter and exit customers, with expiry and cooldown. */
public record AudienceDefinition(
    String id,
    String description,
    List<String> enter,
    String enterWhen,
    List<String> exit,
    Duration expireAfter,
    Duration cooldown,
    String file)
    implements Serializable {

  public AudienceDefinition {
    enter = List.copyOf(enter);
    exit = List.copyOf(exit);
  }

  public Optional<String> enterWhenOptional() {
    return Optional.ofNullable(enterWhen);
  }

  public Optional<Duration> expireAfterOptional() {
    return Optional.ofNullable(expireAfter);
  }

  public Optional<Duration> cooldownOptional() {
    return Optional.ofNullable(cooldown);
  }
}
