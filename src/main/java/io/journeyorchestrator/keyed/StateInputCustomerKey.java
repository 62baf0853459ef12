package io.journeyorchestrator.keyed;

import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.types.Either;

/** The customer-state operator's inputs (memberships, next best actions) by customer. */
public final class StateInputCustomerKey
    implements KeySelector<Either<MembershipUpdate, NextBestAction>, String> {
  @Override
  public String getKey(Either<MembershipUpdate, NextBestAction> value) {
    return value.isLeft() ? value.left().getChange().getCustomerId()
        : value.right().getCustomerId();
  }
}
