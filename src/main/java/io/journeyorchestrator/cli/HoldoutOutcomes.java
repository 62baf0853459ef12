package io.journeyorchestrator.cli;

import io.journeyorchestrator.internal.avro.OutputLine;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Uplift at a glance: per audience, how many customers of the holdout group and how many treated
 * customers entered it after their first decision. Entries at the instant of the first decision
 * are its cause, not its outcome, so only later ones count.
 */
final class HoldoutOutcomes {
  /** One audience's entries after the first decision, in each group. */
  record Row(String audienceId, int heldOutEntered, int treatedEntered) {}

  private HoldoutOutcomes() {}

  /**
   * @param firstDecision each decided customer's first decision time, epoch millis
   * @param heldOut the customers of the holdout group
   * @param audienceChanges replay's audience-change lines (labels "{@code <id> ENTERED}", ...)
   */
  static List<Row> rows(Map<String, Long> firstDecision, Set<String> heldOut,
      List<OutputLine> audienceChanges, List<String> audienceIds) {
    return audienceIds.stream().map(audienceId -> {
      Set<String> entered = new HashSet<>();
      for (OutputLine change : audienceChanges) {
        Long first = firstDecision.get(change.getCustomerId());
        if (first != null && change.getTime() > first
            && change.getLabel().equals(audienceId + " ENTERED")) {
          entered.add(change.getCustomerId());
        }
      }
      int heldOutEntered = (int) entered.stream().filter(heldOut::contains).count();
      return new Row(audienceId, heldOutEntered, entered.size() - heldOutEntered);
    }).toList();
  }
}
