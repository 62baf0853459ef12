package io.journeyorchestrator.condition;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Test fixtures: named instants and event factories for condition tests. */
final class Events {

  static final Instant NEW_YEAR_2024 = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant MAY_2024 = Instant.parse("2024-05-01T12:00:00Z");

  private Events() {}

  static InteractionEvent paymentFailed(Map<String, Object> attributes) {
    return event("payment.failed", Channel.PAYMENT, MAY_2024, attributes);
  }

  static InteractionEvent event(
      String type, Channel channel, Instant timestamp, Map<String, Object> attributes) {
    return InteractionEvent.newBuilder()
        .setEventId("evt-1")
        .setCustomerId("cust-42")
        .setTimestamp(timestamp)
        .setType(type)
        .setChannel(channel)
        .setAttributes(new HashMap<>(attributes))
        .build();
  }

  static Condition compiled(String expression) {
    CompileResult result = ConditionCompiler.compile(expression);
    if (result.condition().isEmpty()) {
      throw new AssertionError("expected `" + expression + "` to compile: " + result.errors());
    }
    return result.condition().get();
  }
}
