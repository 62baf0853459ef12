package io.journeyorchestrator.keyed;

import io.journeyorchestrator.avro.InteractionEvent;
import org.apache.flink.api.java.functions.KeySelector;

/** Partitions raw events by customer, the same way {@link CustomerKey} does for the timeline. */
public final class EventCustomerKey implements KeySelector<InteractionEvent, String> {
  @Override
  public String getKey(InteractionEvent value) {
    return value.getCustomerId();
  }
}
