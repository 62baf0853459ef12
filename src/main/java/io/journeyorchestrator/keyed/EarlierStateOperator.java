package io.journeyorchestrator.keyed;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * Runs a keyed function whose state layout changed between releases: on open, before any record
 * or timer, the function moves each customer's state of the earlier layout into the current one.
 * Done once per restore and only for the customers that have such state (found by the keys of
 * the earlier states), so the function never has to look at the earlier layout while it runs; a
 * savepoint of this release has none, and the look costs one empty scan per earlier state.
 */
public class EarlierStateOperator<IN, OUT> extends HeapBufferOperator<IN, OUT> {
  /** A function with state of an earlier layout to move. */
  public interface Owner {
    /** The names of the earlier layout's states (each registered by the function's open). */
    List<String> earlierStateNames();

    /** Moves the current customer's earlier state into the current layout, and clears it. */
    void moveEarlierState() throws Exception;
  }

  private final Owner owner;

  /** The current customer's entries of an earlier map state, which is cleared. */
  public static <K, V> Map<K, V> drain(MapState<K, V> earlier) throws Exception {
    Map<K, V> entries = new HashMap<>();
    for (Map.Entry<K, V> entry : earlier.entries()) {
      entries.put(entry.getKey(), entry.getValue());
    }
    earlier.clear();
    return entries;
  }

  public <F extends KeyedProcessFunction<String, IN, OUT> & Owner> EarlierStateOperator(
      F function) {
    super(function);
    this.owner = function;
  }

  @Override
  public void open() throws Exception {
    super.open();
    KeyedStateBackend<String> backend = getKeyedStateBackend();
    List<String> customers;
    try (Stream<String> keys = owner.earlierStateNames().stream()
        .flatMap(name -> backend.getKeys(name, VoidNamespace.INSTANCE))) {
      customers = keys.distinct().collect(Collectors.toList());
    }
    for (String customer : customers) {
      setCurrentKey(customer);
      owner.moveEarlierState();
    }
  }
}
