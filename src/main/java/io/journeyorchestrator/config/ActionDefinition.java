package io.journeyorchestrator.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An action a channel may take for a customer (an offer, a help message, a call-back): eligible
 * while the customer is in every one of {@code eligibleWhile} and {@code eligibleWhen} holds over
 * the profile; ranked by {@code priority}, either a fixed number or a CEL score over the profile
 * (exactly one of {@code priority} and {@code priorityScore} is set).
 *
 * @param holdoutPercent this action's own holdout share, 0 to 50; null to use the job's
 */
public record ActionDefinition(
    String id,
    String description,
    String channel,
    String category,
    List<String> eligibleWhile,
    String eligibleWhen,
    Double priority,
    String priorityScore,
    List<Cap> caps,
    Double holdoutPercent,
    String file)
    implements Serializable {

  /** At most {@code max} sends per rolling event-time window of {@code per}. */
  public record Cap(int max, Duration per) implements Serializable {}

  public ActionDefinition {
    eligibleWhile = List.copyOf(eligibleWhile);
    caps = List.copyOf(caps);
    if ((priority == null) == (priorityScore == null)) {
      throw new IllegalArgumentException(
          "action " + id + ": exactly one of priority and priorityScore, got " + priority
              + " and " + priorityScore);
    }
  }

  public Optional<String> eligibleWhenOptional() {
    return Optional.ofNullable(eligibleWhen);
  }

  public Optional<Double> holdoutPercentOptional() {
    return Optional.ofNullable(holdoutPercent);
  }
}
