package io.journeyorchestrator.decisions;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The answer for one customer: per channel the action to take (null when none) and the eligible
 * actions that are blocked, and whether the customer is in the job's holdout group. Two decisions
 * are equal exactly when a channel would act differently on them, which is what decides whether a
 * new one is emitted; when it was decided is not part of it.
 */
public record Decision(SortedMap<String, ChannelChoice> channels, boolean holdout) {

  /** Why an eligible action is not taken, and, for a cap, the instant it frees up. */
  public record Blocked(String actionId, String reason, Instant freesAt) {}

  /** One channel's answer: {@code actionId} null when nothing is to be sent on it. */
  public record ChannelChoice(String actionId, List<Blocked> blocked) {
    public ChannelChoice {
      blocked = List.copyOf(blocked);
    }
  }

  public Decision {
    channels = new TreeMap<>(channels);
  }

  public static Decision of(Map<String, ChannelChoice> channels, boolean holdout) {
    return new Decision(new TreeMap<>(channels), holdout);
  }
}
