package io.journeyorchestrator.matching;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds the {@link PatternMatch} record for a match. The match id depends only on customer,
 * pattern, matched events and end time, so a replay or a restart from a checkpoint produces the
 * same ids and consumers can drop duplicates.
 */
public final class MatchBuilder {
  private MatchBuilder() {}

  /**
   * @param events the matched (present) events in step order, with the profile as of each
   * @param absenceWindow for a pattern ending in an absent step, its {@code within}: the match
   *     ends at the deadline, first event plus window; null otherwise
   */
  public static DetectedMatch build(String patternId, List<JourneyEvent> events, Duration absenceWindow) {
    InteractionEvent first = events.get(0).getEvent();
    Instant start = first.getTimestamp();
    Instant end = absenceWindow != null
        ? start.plus(absenceWindow)
        : events.get(events.size() - 1).getEvent().getTimestamp();
    List<String> eventIds = new ArrayList<>(events.size());
    for (JourneyEvent event : events) {
      eventIds.add(event.getEvent().getEventId());
    }
    PatternMatch match = PatternMatch.newBuilder()
        .setMatchId(matchId(first.getCustomerId(), patternId, eventIds, end))
        .setCustomerId(first.getCustomerId())
        .setPatternId(patternId)
        .setEventIds(eventIds)
        .setStartTime(start)
        .setEndTime(end)
        .build();
    return new DetectedMatch(match, events.get(events.size() - 1));
  }

  public static String matchId(String customerId, String patternId, List<String> eventIds, Instant end) {
    String identity = customerId + '\u0000' + patternId + '\u0000' + String.join("\u0000", eventIds)
        + '\u0000' + end.toEpochMilli();
    return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
