package io.journeyorchestrator.keyed;

import java.util.HashMap;
import java.util.Map;

/**
 * How a profile update changes a customer's profile facts, for every operator that keeps a
 * profile (the customer timeline, decisions): its attributes replace the facts of the same name,
 * and a null value removes the fact.
 */
public final class ProfileUpdates {
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
