package io.journeyorchestrator.keyed;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import java.util.List;
import java.util.Map;

/**
 * An erasure request in the shape the audience operator orders by time: a one-event "match" of
 * {@link JobState#ERASURE_PATTERN_ID} at the request's timestamp.
 */
public final class ErasureRequests {
  private ErasureRequests() {}

  public static DetectedMatch of(InteractionEvent request) {
    PatternMatch marker = PatternMatch.newBuilder()
        .setMatchId("erasure:" + request.getEventId())
        .setCustomerId(request.getCustomerId())
        .setPatternId(JobState.ERASURE_PATTERN_ID)
        .setEventIds(List.of(request.getEventId()))
        .setStartTime(request.getTimestamp())
        .setEndTime(request.getTimestamp())
        .build();
    return new DetectedMatch(marker, new JourneyEvent(request, Map.of()));
  }

  public static boolean isErasure(DetectedMatch match) {
    return JobState.ERASURE_PATTERN_ID.equals(match.getMatch().getPatternId());
  }
}
