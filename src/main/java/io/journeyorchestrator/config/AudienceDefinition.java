package io.journeyorchestrator.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A journey-driven audience: patterns that enter and exit customers, with expiry and cooldown, and
 * optionally the patterns that tell how a stay ended ({@link Outcomes}), for the journey report.
 */
public record AudienceDefinition(
    String id,
    String description,
    List<String> enter,
    String enterWhen,
    List<String> exit,
    Duration expireAfter,
    Duration cooldown,
    Outcomes outcomes,
    String file)
    implements Serializable {

  public AudienceDefinition {
    enter = List.copyOf(enter);
    exit = List.copyOf(exit);
    outcomes = outcomes == null ? Outcomes.NONE : outcomes;
  }

  public AudienceDefinition(String id, String description, List<String> enter, String enterWhen,
      List<String> exit, Duration expireAfter, Duration cooldown, String file) {
    this(id, description, enter, enterWhen, exit, expireAfter, cooldown, Outcomes.NONE, file);
  }

  /**
   * How journey owners judge a stay in the audience: a match of a {@code completed} pattern means
   * the journey reached its goal, one of a {@code leaked} pattern that the customer dropped out
   * (e.g. called the contact centre). Only the report reads it; it changes nothing the job does,
   * so it is not part of the audience's state.
   */
  public record Outcomes(List<String> completed, List<String> leaked) implements Serializable {
    public static final Outcomes NONE = new Outcomes(List.of(), List.of());

    public Outcomes {
      completed = List.copyOf(completed);
      leaked = List.copyOf(leaked);
    }

    public boolean isEmpty() {
      return completed.isEmpty() && leaked.isEmpty();
    }
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
