package io.journeyorchestrator.keyed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/**
 * An {@link EventTimeBuffer} that keeps its records on the heap and puts them in keyed state only
 * before a checkpoint barrier ({@link #spill}): the same timers fire and {@link #take} returns
 * the same records in the same order, without a state write and read for every record. Behind a
 * chained operator that emits only what the watermark it then forwards has passed (the journey
 * engine), every record is taken before the next barrier and nothing is ever spilled. The state
 * layout is {@link EventTimeBuffer}'s, so savepoints restore either way.
 *
 * <p>Its operator must call {@link #spill} in {@code prepareSnapshotPreBarrier} ({@link
 * Holder}, {@link EarlierStateOperator} does), or what is held is missing after a restore.
 */
public final class EventTimeHeapBuffer<T> {
  /** A keyed function with heap buffers, which its operator asks to spill before a barrier. */
  public interface Holder {
    /** Puts every record held on the heap into keyed state, selecting each key first. */
    void spill(KeySwitch keys) throws Exception;
  }

  /** Makes a key the operator's current key, as {@code setCurrentKey} does. */
  public interface KeySwitch {
    void select(String key) throws Exception;
  }

  private final MapState<Long, List<T>> state;
  /** Per key, per timestamp, the records added since the last spill, in arrival order. */
  private final Map<String, Map<Long, List<T>>> held = new HashMap<>();

  public EventTimeHeapBuffer(MapState<Long, List<T>> state) {
    this.state = state;
  }

  /** Holds the current key's record until the watermark passes {@code timestamp}. */
  public void add(String key, long timestamp, T record, TimerService timers) {
    Map<Long, List<T>> byTime = held.computeIfAbsent(key, k -> new HashMap<>(2));
    List<T> atTimestamp = byTime.get(timestamp);
    if (atTimestamp == null) {
      atTimestamp = new ArrayList<>(1);
      byTime.put(timestamp, atTimestamp);
      // Also when a spilled list at this timestamp has its timer already: timers are a set.
      timers.registerEventTimeTimer(timestamp);
    }
    atTimestamp.add(record);
  }

  /**
   * The current key's records at this timestamp, those spilled before a barrier first; removed.
   * Empty if none.
   */
  public List<T> take(String key, long timestamp) throws Exception {
    List<T> stored = state.get(timestamp);
    if (stored != null) {
      state.remove(timestamp);
    }
    List<T> onHeap = null;
    Map<Long, List<T>> byTime = held.get(key);
    if (byTime != null) {
      onHeap = byTime.remove(timestamp);
      if (byTime.isEmpty()) {
        held.remove(key);
      }
    }
    if (stored == null) {
      return onHeap == null ? List.of() : onHeap;
    }
    if (onHeap != null) {
      stored.addAll(onHeap);
    }
    return stored;
  }

  /** Moves every held record into keyed state, after those already there; the heap is empty. */
  public void spill(KeySwitch keys) throws Exception {
    for (Map.Entry<String, Map<Long, List<T>>> customer : held.entrySet()) {
      keys.select(customer.getKey());
      for (Map.Entry<Long, List<T>> atTimestamp : customer.getValue().entrySet()) {
        List<T> stored = state.get(atTimestamp.getKey());
        if (stored == null) {
          stored = atTimestamp.getValue();
        } else {
          stored.addAll(atTimestamp.getValue());
        }
        state.put(atTimestamp.getKey(), stored);
      }
    }
    held.clear();
  }

  /** How many keys have records on the heap (for tests). */
  int keysHeld() {
    return held.size();
  }
}
