package io.journeyorchestrator.timeline;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.internal.avro.TimelineEntry;
import io.journeyorchestrator.keyed.JobState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;

/**
 * The customer timeline's state as releases before the timeline list kept it: waiting events by
 * timestamp, seen ids with their event time, and their expiry buckets. Moved into the list once,
 * when a savepoint of such a release is restored ({@link
 * io.journeyorchestrator.keyed.EarlierStateOperator}), so that no release of the list has to look
 * here again: waiting events keep the timers they were restored with,
 * seen ids become released-id entries (forgotten by the restored expiry timers), and the expiry
 * buckets are dropped.
 */
final class EarlierTimelineState {
  /** The states to look for keys in. */
  static final List<String> NAMES = List.of(JobState.pendingEventsDescriptor().getName(),
      JobState.seenEventIdsDescriptor().getName());

  private final MapState<Long, List<InteractionEvent>> pendingEvents;
  private final MapState<String, Long> seenEventIds;
  private final MapState<Long, List<String>> seenEventIdExpiries;

  EarlierTimelineState(RuntimeContext context) {
    pendingEvents = context.getMapState(JobState.pendingEventsDescriptor());
    seenEventIds = context.getMapState(JobState.seenEventIdsDescriptor());
    seenEventIdExpiries = context.getMapState(JobState.seenEventIdExpiriesDescriptor());
  }

  /** Moves the current customer's earlier state into the timeline list, seen ids first. */
  void moveInto(ListState<TimelineEntry> timeline) throws Exception {
    List<TimelineEntry> waiting = new ArrayList<>();
    Set<String> waitingIds = new HashSet<>();
    for (Map.Entry<Long, List<InteractionEvent>> atTime : pendingEvents.entries()) {
      for (InteractionEvent event : atTime.getValue()) {
        waiting.add(new TimelineEntry(event.getEventId(), atTime.getKey(), event, null));
        waitingIds.add(event.getEventId());
      }
    }
    // Those releases noted an id on arrival: a waiting event's own id is not a release of it.
    List<TimelineEntry> moved = new ArrayList<>();
    for (Map.Entry<String, Long> seen : seenEventIds.entries()) {
      if (!waitingIds.contains(seen.getKey())) {
        moved.add(new TimelineEntry(seen.getKey(), seen.getValue(), null, null));
      }
    }
    moved.addAll(waiting);
    if (!moved.isEmpty()) {
      timeline.addAll(moved);
    }
    pendingEvents.clear();
    seenEventIds.clear();
    seenEventIdExpiries.clear();
  }
}
