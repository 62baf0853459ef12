package io.journeyorchestrator.condition;

import static io.journeyorchestrator.condition.Events.MAY_2024;
import static io.journeyorchestrator.condition.Events.compiled;
import static io.journeyorchestrator.condition.Events.event;
import static io.journeyorchestrator.condition.Events.paymentFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Proves how conditions evaluate against events and profiles, and how run-time failures surface. */
class ConditionEvaluationTest {

  private static final Map<String, Object> ATTRIBUTES = attributes();
  private static final InteractionEvent PAYMENT_FAILED = paymentFailed(ATTRIBUTES);
  private static final Map<String, Object> PROFILE =
      Map.of("tier", "gold", "vip", true, "lifetimeValue", 1250.5, "openCases", 2L);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = "=>",
      quoteCharacter = '`',
      value = {
        "event.type == 'payment.failed'                     => true",
        "event.type == 'call.inbound'                       => false",
        "event.channel == 'PAYMENT'                         => true",
        "event.channel == 'WEB'                             => false",
        "event.customerId == 'cust-42' && event.eventId == 'evt-1' => true",
        "event.attributes.amount > 100                      => true",
        "event.attributes.amount > 200                      => false",
        "event.attributes.amount == 150                     => true",
        "event.attributes.ratio >= 0.5                      => true",
        "event.attributes.ratio > 1                         => false",
        "event.attributes.amount > 100.5                    => true",
        "event.attributes.currency == 'EUR'                 => true",
        "event.attributes.currency.startsWith('US')         => false",
        "event.attributes.retried                           => true",
        "!event.attributes.retried                          => false",
        "event.attributes.reason == null                    => true",
        "event.attributes['amount'] > 1                     => true",
        "'currency' in event.attributes                     => true",
        "has(event.attributes.amount)                       => true",
        "has(event.attributes.coupon)                       => false",
        "has(event.attributes.coupon) && event.attributes.coupon == 'X' => false",
        "profile.tier == 'gold'                             => true",
        "profile.vip                                        => true",
        "profile.lifetimeValue > 1000 && profile.openCases >= 2 => true",
        "has(profile.churnRisk)                             => false",
        "event.timestamp > timestamp('2024-01-01T00:00:00Z') => true",
        "event.timestamp < timestamp('2024-05-01T00:00:00Z') => false",
        "event.timestamp.getMonth() == 4                    => true",
        "event.timestamp.getHours() == 12                   => true",
        "event.timestamp.getHours('Europe/London') == 13    => true",
        "event.timestamp.getDayOfWeek('Europe/London') == 3 => true",
        "event.timestamp.getDate('Asia/Tokyo') == 1         => true",
        "event.timestamp - duration('2h') > timestamp('2024-05-01T09:00:00Z') => true",
        "event.type.split('.')[0] == 'payment'              => true",
        "event.attributes.exists(k, k == 'currency')        => true",
      })
  void shouldEvaluateAgainstEventAndProfile(String expression, boolean expected)
      throws ConditionEvaluationException {
    assertThat(compiled(expression).evaluate(PAYMENT_FAILED, PROFILE)).isEqualTo(expected);
  }

  @Test
  void shouldFailWhenAttributeIsMissingAndNotGuardedByHas() {
    Condition condition = compiled("event.attributes.coupon == 'X'");

    assertThatThrownBy(() -> condition.evaluate(PAYMENT_FAILED, PROFILE))
        .isInstanceOf(ConditionEvaluationException.class)
        .hasMessageContaining("event.attributes.coupon == 'X'")
        .hasMessageContaining("key 'coupon' is not present in map");
  }

  @Test
  void shouldFailWhenProfileFactIsMissing() {
    Condition condition = compiled("profile.churnRisk > 0.5");

    assertThatThrownBy(() -> condition.evaluate(PAYMENT_FAILED, Map.of()))
        .isInstanceOf(ConditionEvaluationException.class)
        .hasMessageContaining("churnRisk");
  }

  @Test
  void shouldFailOnTypeMismatchBetweenDynValues() {
    Condition condition = compiled("event.attributes.currency > 10");

    assertThatThrownBy(() -> condition.evaluate(PAYMENT_FAILED, PROFILE))
        .isInstanceOf(ConditionEvaluationException.class)
        .hasMessageContaining("No matching overload");
  }

  @Test
  void shouldFailWhenDynResultIsNotBool() {
    Condition condition = compiled("profile.tier");

    assertThatThrownBy(() -> condition.evaluate(PAYMENT_FAILED, PROFILE))
        .isInstanceOf(ConditionEvaluationException.class)
        .hasMessageContaining("not bool");
  }

  @Test
  void shouldTreatNullProfileAsEmpty() throws ConditionEvaluationException {
    assertThat(compiled("!has(profile.vip)").evaluate(PAYMENT_FAILED, null)).isTrue();
  }

  @Test
  void shouldWidenIntegerAndFloatValuesFromHandBuiltMaps() throws ConditionEvaluationException {
    Map<String, Object> profile = Map.of("visits", 3, "score", 0.75f);

    assertThat(compiled("profile.visits == 3 && profile.score > 0.7").evaluate(PAYMENT_FAILED, profile))
        .isTrue();
  }

  @Test
  void shouldReuseConditionAcrossEvents() throws ConditionEvaluationException {
    Condition condition = compiled("event.type == 'call.inbound' && event.channel == 'CALL_CENTER'");
    InteractionEvent call = event("call.inbound", Channel.CALL_CENTER, MAY_2024, Map.of());

    assertThat(condition.evaluate(call, PROFILE)).isTrue();
    assertThat(condition.evaluate(PAYMENT_FAILED, PROFILE)).isFalse();
    assertThat(condition.evaluate(call, PROFILE)).isTrue();
  }

  @Test
  void shouldSurviveJavaSerializationAndStillEvaluate() throws Exception {
    Condition original =
        compiled("event.type in ['payment.failed'] && event.attributes.amount > 100");

    Condition copy = roundTrip(original);

    assertThat(copy.source()).isEqualTo(original.source());
    assertThat(copy.requiredEventTypes()).contains(java.util.Set.of("payment.failed"));
    assertThat(copy.evaluate(PAYMENT_FAILED, PROFILE)).isTrue();
    assertThat(copy.evaluate(paymentFailed(Map.of("amount", 5L)), PROFILE)).isFalse();
  }

  private static Condition roundTrip(Condition condition) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(condition);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (Condition) in.readObject();
    }
  }

  private static Map<String, Object> attributes() {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("amount", 150L);
    attributes.put("ratio", 0.75);
    attributes.put("currency", "EUR");
    attributes.put("retried", true);
    attributes.put("reason", null);
    return attributes;
  }
}
