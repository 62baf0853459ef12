package io.journeyorchestrator.timeline;

import io.journeyorchestrator.avro.InteractionEvent;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs a function that owns the customer timeline's state and, on open, moves the state of
 * releases before the timeline list into it ({@link EarlierTimelineState}). Done once per restore
 * and only for the customers that have such state, so releases never read it; a savepoint of
 * this release has none, and the look costs one empty scan.
 */
public final class TimelineOperator<OUT>
    extends KeyedProcessOperator<String, InteractionEvent, OUT> {
  /** A timeline function: owns the list and the earlier states. */
  public interface Owner {
    /** Moves the current key's earlier state into the timeline list. */
    void moveEarlierState() throws Exception;
  }

  private final Owner owner;

  public <F extends KeyedProcessFunction<String, InteractionEvent, OUT> & Owner> TimelineOperator(
      F function) {
    super(function);
    this.owner = function;
  }

  @Override
  public void open() throws Exception {
    super.open();
    KeyedStateBackend<String> backend = getKeyedStateBackend();
    List<String> customers;
    try (Stream<String> keys = EarlierTimelineState.NAMES.stream()
        .flatMap(name -> backend.getKeys(name, VoidNamespace.INSTANCE))) {
      customers = keys.distinct().collect(Collectors.toList());
    }
    for (String customer : customers) {
      setCurrentKey(customer);
      owner.moveEarlierState();
    }
  }
}
