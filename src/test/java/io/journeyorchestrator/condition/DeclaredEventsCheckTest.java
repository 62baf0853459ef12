package io.journeyorchestrator.condition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Conditions checked against declared event types, channels, attributes and profile facts. */
class DeclaredEventsCheckTest {
  private static final EventDeclarations DECLARED = new EventDeclarations(
      Map.of(
          "payment.failed", Map.of("amount", AttributeType.DECIMAL, "reason", AttributeType.STRING),
          "call.inbound", Map.of("reason", AttributeType.STRING, "waitSeconds", AttributeType.INT),
          "contract.renewed", Map.of("amount", AttributeType.INT,
              "endsAt", AttributeType.TIMESTAMP),
          "store.visit", Map.of()),
      Set.of("WEB", "APP", "CALL_CENTER"),
      Map.of("tier", AttributeType.STRING, "tenureMonths", AttributeType.INT,
          "vip", AttributeType.BOOLEAN));

  @ParameterizedTest
  @ValueSource(strings = {
      "event.type == \"payment.failed\" && event.attributes.amount > 100",
      "event.type == \"payment.failed\" && event.attributes.amount == 100",
      "event.type == \"call.inbound\" && event.attributes.waitSeconds > 99.5",
      "event.type == \"call.inbound\" && event.attributes.waitSeconds == 100.0",
      "event.type == \"call.inbound\" && event.attributes.waitSeconds in [60.0, 120.0]",
      "event.type in [\"payment.failed\", \"call.inbound\"] && event.attributes.reason == \"x\"",
      "has(event.attributes.amount) && event.attributes.amount > 10",
      "event.type == \"contract.renewed\""
          + " && timestamp(event.attributes.endsAt) < timestamp(\"2027-01-01T00:00:00Z\")",
      "event.channel in [\"WEB\", \"APP\"] || event.channel != \"CALL_CENTER\"",
      "profile.tier == \"gold\" || (has(profile.tenureMonths) && profile.tenureMonths >= 24)",
      "profile.vip",
      "event.type == \"store.visit\"",
      "event.type != \"payment.failed\" && event.timestamp > timestamp(\"2026-01-01T00:00:00Z\")"})
  void shouldAcceptConditionsThatFitTheDeclarations(String condition) {
    assertThat(ConditionCompiler.compile(condition).errors()).isEmpty();
    assertThat(DeclaredEventsCheck.check(condition, DECLARED)).isEmpty();
  }

  @Test
  void shouldRejectAnUndeclaredEventTypeSuggestingTheClosest() {
    assertThat(DeclaredEventsCheck.check("event.type == \"call.inbund\"", DECLARED))
        .containsExactly("event type 'call.inbund' is not declared; did you mean 'call.inbound'?"
            + " Declared types: call.inbound, contract.renewed, payment.failed, store.visit");
  }

  @Test
  void shouldRejectUndeclaredEventTypesInListsAndInequalities() {
    assertThat(DeclaredEventsCheck.check(
        "event.type in [\"chat.started\", \"call.inbound\"] || \"x.y\" != event.type", DECLARED))
        .containsExactly(
            "event type 'chat.started' is not declared; declared types: call.inbound,"
                + " contract.renewed, payment.failed, store.visit",
            "event type 'x.y' is not declared; declared types: call.inbound, contract.renewed,"
                + " payment.failed, store.visit");
  }

  @Test
  void shouldRejectAnAttributeNotDeclaredForThePinnedType() {
    assertThat(DeclaredEventsCheck.check(
        "event.type == \"call.inbound\" && event.attributes.amount > 10", DECLARED))
        .containsExactly("attribute 'amount' is not declared for call.inbound; declared:"
            + " reason, waitSeconds");
  }

  @Test
  void shouldRejectAnUndeclaredAttributeInHas() {
    assertThat(DeclaredEventsCheck.check(
        "event.type == \"payment.failed\" && has(event.attributes.amout)", DECLARED))
        .containsExactly("attribute 'amout' is not declared for payment.failed; did you mean"
            + " 'amount'? Declared: amount, reason");
  }

  @Test
  void shouldCheckUnpinnedConditionsAgainstEveryType() {
    assertThat(DeclaredEventsCheck.check("has(event.attributes.page)", DECLARED))
        .containsExactly("attribute 'page' is not declared for any event type; declared: amount,"
            + " endsAt, reason, waitSeconds");
  }

  @Test
  void shouldRejectChannelsThatDoNotExistOrAreNotDeclared() {
    assertThat(DeclaredEventsCheck.check(
        "event.channel == \"WEBSITE\" || event.channel in [\"CALL_CENTRE\", \"SMS\"]", DECLARED))
        .containsExactly(
            "channel 'WEBSITE' does not exist; declared channels: WEB, APP, CALL_CENTER",
            "channel 'CALL_CENTRE' does not exist; did you mean 'CALL_CENTER'? Declared channels:"
                + " WEB, APP, CALL_CENTER",
            "channel 'SMS' is not declared; declared channels: WEB, APP, CALL_CENTER");
  }

  @Test
  void shouldRejectComparingADecimalAttributeWithAString() {
    assertThat(DeclaredEventsCheck.check(
        "event.type == \"payment.failed\" && event.attributes.amount > \"100\"", DECLARED))
        .containsExactly("found no matching overload for '_>_' applied to '(double, string)'"
            + " (column 59); attribute 'amount' is decimal");
  }

  @Test
  void shouldRejectComparingAnIntProfileFactWithAString() {
    assertThat(DeclaredEventsCheck.check("profile.tenureMonths >= \"60\"", DECLARED))
        .containsExactly("found no matching overload for '_>=_' applied to '(int, string)'"
            + " (column 22); profile fact 'tenureMonths' is int");
  }

  @Test
  void shouldRejectAnUndeclaredProfileFact() {
    assertThat(DeclaredEventsCheck.check("profile.teir == \"gold\"", DECLARED))
        .containsExactly("profile fact 'teir' is not declared; did you mean 'tier'? Declared:"
            + " tenureMonths, tier, vip");
  }

  @Test
  void shouldTypeAnAttributeDeclaredDifferentlyByTwoTypesAsDyn() {
    assertThat(DeclaredEventsCheck.check(
        "event.type in [\"payment.failed\", \"contract.renewed\"] && event.attributes.amount > 1.5",
        DECLARED)).isEmpty();
  }

  @Test
  void shouldRejectATimestampAttributeReadAsATimestamp() {
    assertThat(DeclaredEventsCheck.check("event.type == \"contract.renewed\""
        + " && event.attributes.endsAt < timestamp(\"2027-01-01T00:00:00Z\")", DECLARED))
        .containsExactly("found no matching overload for '_<_' applied to '(string,"
            + " google.protobuf.Timestamp)' (column 61); attribute 'endsAt' is timestamp");
  }

  @Test
  void shouldExplainThatAttributesAreReadByName() {
    assertThat(DeclaredEventsCheck.check("\"amount\" in event.attributes", DECLARED))
        .containsExactly("found no matching overload for '@in' applied to '(string,"
            + " io.journeyorchestrator.EventAttributes)' (column 10); event.attributes and profile"
            + " hold the declared attributes and facts by name: read one, e.g."
            + " event.attributes.amount or has(profile.tier)");
  }

  @Test
  void shouldRejectAConditionThatIsNotBoolWithTheDeclaredTypes() {
    assertThat(DeclaredEventsCheck.check("profile.tier", DECLARED))
        .containsExactly("with the declared types the condition is string, not bool");
  }

  @Test
  void shouldLeaveConditionsThatDoNotParseToTheCompiler() {
    assertThat(DeclaredEventsCheck.check("event.type == ", DECLARED)).isEqualTo(List.of());
  }
}
