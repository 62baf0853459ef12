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
  public static DetectedMatch build(String patternId, List<JourneyEvent> events,
      Duration absenceWindow) {
    InteractionEvent first = events.get(0).getEvent();
    List<String> eventIds = new ArrayList<>(events.size());
    for (JourneyEvent event : events) {
      eventIds.add(event.getEvent().getEventId());
    }
    return build(patternId, first.getCustomerId(), eventIds, first.getTimestamp(), absenceWindow,
        events.get(events.size() - 1));
  }

  /**
   * For an engine that keeps only event ids: the same record as {@link #build(String, List,
   * Duration)} for the same events.
   *
   * @param lastEvent the match's last present event, with the profile as of it
   */
  public static DetectedMatch build(String patternId, String customerId, List<String> eventIds,
      Instant start, Duration absenceWindow, JourneyEvent lastEvent) {
    Instant end = absenceWindow != null
        ? start.plus(absenceWindow)
        : lastEvent.getEvent().getTimestamp();
    PatternMatch match = PatternMatch.newBuilder()
        .setMatchId(matchId(customerId, patternId, eventIds, end))
        .setCustomerId(customerId)
        .setPatternId(patternId)
        .setEventIds(List.copyOf(eventIds))
        .setStartTime(start)
        .setEndTime(end)
        .build();
    return new DetectedMatch(match, lastEvent);
  }

  public static String matchId(String customerId, String patternId, List<String> eventIds, Instant end) {
    String identity = customerId + '\u0000' + patternId + '\u0000' + String.join("\u0000", eventIds)
        + '\u0000' + end.toEpochMilli();
    return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
