package io.journeyorchestrator.keyed;

import io.journeyorchestrator.internal.avro.MembershipUpdate;
import org.apache.flink.api.java.functions.KeySelector;

/** Membership updates by customer, the key the audience operator emitted them under. */
public final class UpdateCustomerKey implements KeySelector<MembershipUpdate, String> {
  @Override
  public String getKey(MembershipUpdate value) {
    return value.getChange().getCustomerId();
  }
}
