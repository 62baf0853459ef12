package io.journeyorchestrator.testing;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Factories for pattern matches as the audience operator receives them. */
public final class Matches {
  private Matches() {}

  public static DetectedMatch match(String patternId, String customerId, Instant end,
      String... eventIds) {
    return match(patternId, customerId, end, Map.of(), eventIds);
  }

  public static DetectedMatch match(String patternId, String customerId, Instant end,
      Map<String, Object> profile, String... eventIds) {
    return match(patternId, customerId, end, end, profile, eventIds);
  }

  /** A match whose first event is at {@code start}. */
  public static DetectedMatch spanning(String patternId, String customerId, Instant start,
      Instant end, String... eventIds) {
    return match(patternId, customerId, start, end, Map.of(), eventIds);
  }

  /**
   * A match of a pattern whose last step is absent: its one present event at {@code start}, and
   * it ends at the deadline.
   */
  public static DetectedMatch byDeadline(String patternId, String customerId, Instant start,
      Instant deadline, String eventId) {
    return match(patternId, customerId, start, start, deadline, Map.of(), eventId);
  }

  private static DetectedMatch match(String patternId, String customerId, Instant start,
      Instant end, Map<String, Object> profile, String... eventIds) {
    return match(patternId, customerId, start, end, end, profile, eventIds);
  }

  private static DetectedMatch match(String patternId, String customerId, Instant start,
      Instant lastEventTime, Instant end, Map<String, Object> profile, String... eventIds) {
    InteractionEvent last = InteractionEvent.newBuilder()
        .setEventId(eventIds[eventIds.length - 1])
        .setCustomerId(customerId)
        .setTimestamp(lastEventTime)
        .setType("test.event")
        .setChannel(Channel.OTHER)
        .setAttributes(Map.of())
        .build();
    PatternMatch match = PatternMatch.newBuilder()
        .setMatchId(patternId + "/" + String.join("+", eventIds))
        .setCustomerId(customerId)
        .setPatternId(patternId)
        .setEventIds(List.of(eventIds))
        .setStartTime(start)
        .setEndTime(end)
        .build();
    return new DetectedMatch(match, new JourneyEvent(last, profile));
  }
}
