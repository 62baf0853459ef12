package io.journeyorchestrator.keyed;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How a profile update changes a customer's profile facts, for every operator that keeps a
 * profile (the customer timeline, decisions): its attributes replace the facts of the same name,
 * and a null value removes the fact.
 */
public final class ProfileUpdates {
  /** How long a profile nothing has touched is kept, by every operator that keeps one. */
  public static final Duration RETENTION = Duration.ofDays(400);

  private ProfileUpdates() {}

  /** The facts after the update, as a new map; neither argument is changed. */
  public static Map<String, Object> apply(Map<String, Object> facts, Map<String, Object> update) {
    Map<String, Object> merged = new HashMap<>(facts);
    for (Map.Entry<String, Object> entry : update.entrySet()) {
      if (entry.getValue() == null) {
        merged.remove(entry.getKey());
      } else {
        merged.put(entry.getKey(), entry.getValue());
      }
    }
    return merged;
  }
}
