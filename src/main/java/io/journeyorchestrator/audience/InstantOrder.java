package io.journeyorchestrator.audience;

import io.journeyorchestrator.internal.avro.DetectedMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order in which one customer's matches that end at the same instant are applied, so that the
 * state after the instant is what the patterns saw. First the matches that time alone completed
 * (a deadline: the pattern's last step is absent, so the match ends after its last present
 * event); then the matches completed by events, grouped by the completing event, in the order the
 * customer timeline released those events (event id at equal timestamps). An erasure request is
 * the group of its own event. Within a group matches are by pattern id (then match id); the
 * audience operator applies a group's exits before its entries.
 *
 * <p>Expiries come before all of this; they are not matches and the operator applies them first.
 */
final class InstantOrder {
  private static final Comparator<DetectedMatch> BY_PATTERN_THEN_ID = Comparator
      .comparing((DetectedMatch m) -> m.getMatch().getPatternId())
      .thenComparing(m -> m.getMatch().getMatchId());

  private InstantOrder() {}

  /** The groups in application order; each group sorted by pattern id. */
  static List<List<DetectedMatch>> groups(List<DetectedMatch> atOneInstant) {
    List<DetectedMatch> byDeadline = new ArrayList<>();
    Map<String, List<DetectedMatch>> byEvent = new TreeMap<>();
    for (DetectedMatch match : atOneInstant) {
      if (completedByDeadline(match)) {
        byDeadline.add(match);
      } else {
        byEvent.computeIfAbsent(completingEventId(match), id -> new ArrayList<>()).add(match);
      }
    }
    List<List<DetectedMatch>> groups = new ArrayList<>(byEvent.size() + 1);
    if (!byDeadline.isEmpty()) {
      groups.add(byDeadline);
    }
    groups.addAll(byEvent.values());
    groups.forEach(group -> group.sort(BY_PATTERN_THEN_ID));
    return groups;
  }

  /**
   * A match ends at its last present event unless its last step is absent: then it ends at the
   * deadline, strictly after that event (an event exactly at the deadline is outside the window).
   */
  static boolean completedByDeadline(DetectedMatch match) {
    return match.getLastEvent().getEvent().getTimestamp().isBefore(match.getMatch().getEndTime());
  }

  static String completingEventId(DetectedMatch match) {
    return match.getLastEvent().getEvent().getEventId();
  }
}
