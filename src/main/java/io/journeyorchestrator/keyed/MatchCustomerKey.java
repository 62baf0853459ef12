package io.journeyorchestrator.keyed;

import io.journeyorchestrator.internal.avro.DetectedMatch;
import org.apache.flink.api.java.functions.KeySelector;

/** Partitions matches by customer, the same way {@link CustomerKey} does for events. */
public final class MatchCustomerKey implements KeySelector<DetectedMatch, String> {
  @Override
  public String getKey(DetectedMatch value) {
    return value.getMatch().getCustomerId();
  }
}
