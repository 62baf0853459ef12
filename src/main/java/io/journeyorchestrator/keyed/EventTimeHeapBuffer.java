package io.journeyorchestrator.keyed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.TimerService;

/**
 * An {@link EventTimeBuffer} that keeps its records on the heap and puts them in keyed state only
 * before a checkpoint barrier ({@link #spill}): the same timers fire and {@link #take} returns
 * the same records in the same order, without a state write and read for every record: it
 * remembers which instants of which customers it spilled or found in keyed state when it opened,
 * and reads keyed state only for those. Behind a chained operator that emits only what the
 * watermark it then forwards has passed (the journey engine), every record is taken before the
 * next barrier and nothing is ever spilled. The state layout is {@link EventTimeBuffer}'s, so
 * savepoints restore either way.
 *
 * <p>Its operator must call {@link #recall} when it opens and {@link #spill} in {@code
 * prepareSnapshotPreBarrier} ({@link HeapBufferOperator} does for a {@link Holder}), or what
 * waits in keyed state is never read or what is held is missing after a restore.
 */
public final class EventTimeHeapBuffer<T> {
  /** A keyed function with heap buffers, which its operator recalls and spills. */
  public interface Holder {
    /** The function's buffers, created by its {@code open}. */
    List<EventTimeHeapBuffer<?>> heapBuffers();
  }

  /** Makes a key the operator's current key, as {@code setCurrentKey} does. */
  public interface KeySwitch {
    void select(String key) throws Exception;
  }

  private final MapState<Long, List<T>> state;
  private final String stateName;
  /** Per key, per timestamp, the records added since the last spill, in arrival order. */
  private final Map<String, Map<Long, List<T>>> held = new HashMap<>();
  /** Per key, the timestamps with records in keyed state. */
  private final Map<String, Set<Long>> stored = new HashMap<>();

  /** Over the function's map state of this descriptor. */
  public EventTimeHeapBuffer(RuntimeContext context, MapStateDescriptor<Long, List<T>> state) {
    this.state = context.getMapState(state);
    this.stateName = state.getName();
  }

  /**
   * Notes which keys' timestamps have records in keyed state (a restored checkpoint's spills, or
   * an earlier release's buffer): one scan of this state's keys, which are few, since only what
   * waited at a barrier is there.
   */
  public void recall(KeyedStateBackend<String> backend, KeySwitch keys) throws Exception {
    List<String> customers;
    try (Stream<String> withState = backend.getKeys(stateName, VoidNamespace.INSTANCE)) {
      customers = withState.collect(Collectors.toList());
    }
    for (String customer : customers) {
      keys.select(customer);
      for (Long timestamp : state.keys()) {
        stored.computeIfAbsent(customer, k -> new HashSet<>(2)).add(timestamp);
      }
    }
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
    List<T> stored = null;
    Set<Long> storedTimestamps = this.stored.get(key);
    if (storedTimestamps != null && storedTimestamps.remove(timestamp)) {
      if (storedTimestamps.isEmpty()) {
        this.stored.remove(key);
      }
      stored = state.get(timestamp);
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
      Set<Long> storedTimestamps =
          stored.computeIfAbsent(customer.getKey(), k -> new HashSet<>(2));
      for (Map.Entry<Long, List<T>> atTimestamp : customer.getValue().entrySet()) {
        List<T> records = atTimestamp.getValue();
        if (!storedTimestamps.add(atTimestamp.getKey())) {
          records = state.get(atTimestamp.getKey());
          records.addAll(atTimestamp.getValue());
        }
        state.put(atTimestamp.getKey(), records);
      }
    }
    held.clear();
  }

  /** How many keys have records on the heap (for tests). */
  int keysHeld() {
    return held.size();
  }

  /** How many keys have records in keyed state (for tests). */
  int keysStored() {
    return stored.size();
  }
}
