package io.journeyorchestrator.keyed;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import java.time.Instant;

/** What goes on the {@link JobState#LATE_EVENTS} output: the event, why, and how far behind. */
public final class LateEvents {
  public static final String BEHIND_WATERMARK = "behind-watermark";
  public static final String BEHIND_NEWEST_EVENT = "behind-newest-event";

  private LateEvents() {}

  /** An event at or behind the watermark when it reached its customer's timeline. */
  public static LateEvent behindWatermark(InteractionEvent event, long watermark) {
    return late(event, BEHIND_WATERMARK, watermark);
  }

  /**
   * Replay: an event more than the out-of-orderness behind the newest event read before it.
   *
   * @param source events file and line it was read from
   */
  public static LateEvent behindNewestEvent(InteractionEvent event, long newestEventTime,
      long maxOutOfOrderness, String source) {
    LateEvent late = late(event, BEHIND_NEWEST_EVENT, newestEventTime - maxOutOfOrderness);
    late.setSource(source);
    return late;
  }

  private static LateEvent late(InteractionEvent event, String reason, long eventTimeReached) {
    return LateEvent.newBuilder().setEvent(event).setReason(reason)
        .setWatermark(Instant.ofEpochMilli(eventTimeReached))
        .setBehindMillis(eventTimeReached - event.getTimestamp().toEpochMilli()).build();
  }
}
