package io.journeyorchestrator.keyed;

import io.journeyorchestrator.internal.avro.JourneyEvent;
import org.apache.flink.api.java.functions.KeySelector;

/** Every keyed operator of the job partitions by customer id, with this one selector. */
public final class CustomerKey implements KeySelector<JourneyEvent, String> {
  @Override
  public String getKey(JourneyEvent value) {
    return value.getEvent().getCustomerId();
  }
}
