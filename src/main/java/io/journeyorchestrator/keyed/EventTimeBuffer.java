package io.journeyorchestrator.keyed;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Holds a key's records in keyed state until the watermark passes their time: records wait under
 * their timestamp, with one event-time timer per timestamp, and are taken out when it fires. This
 * is how operators apply what they receive in event-time order instead of arrival order.
 */
public final class EventTimeBuffer<T> {
  private final MapState<Long, List<T>> state;

  public EventTimeBuffer(MapState<Long, List<T>> state) {
    this.state = state;
  }

  public void add(long timestamp, T record, TimerService timers) throws Exception {
    List<T> atTimestamp = state.get(timestamp);
    if (atTimestamp == null) {
      atTimestamp = new ArrayList<>(1);
      timers.registerEventTimeTimer(timestamp);
    }
    atTimestamp.add(record);
    state.put(timestamp, atTimestamp);
  }

  /** The records waiting at this timestamp, removed from state; empty if none. */
  public List<T> take(long timestamp) throws Exception {
    List<T> due = state.get(timestamp);
    if (due == null) {
      return List.of();
    }
    state.remove(timestamp);
    return due;
  }
}
