package io.journeyorchestrator.pattern.condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Proves that bad conditions are rejected at config-load time with CEL's own, readable messages. */
class ConditionCompilerTest {

  @Test
  void shouldCompileValidCondition() {
    CompileResult result = ConditionCompiler.compile("event.type == \"payment.failed\"");

    assertThat(result.errors()).isEmpty();
    assertThat(result.condition()).hasValueSatisfying(
        condition -> assertThat(condition.source()).isEqualTo("event.type == \"payment.failed\""));
  }

  @Test
  void shouldReportSyntaxErrorWithPosition() {
    List<String> errors = errorsOf("event.type == ");

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("ERROR: <input>:1:").contains("mismatched input '<EOF>'");
  }

  @Test
  void shouldReportNoMatchingOverloadForStringPlusInt() {
    assertThat(errorsOf("event.type + 1 == 2"))
        .singleElement(STRING)
        .contains("found no matching overload for '_+_' applied to '(string, int)'");
  }

  @Test
  void shouldReportNoMatchingOverloadForSizeOfInt() {
    assertThat(errorsOf("size(1) > 0"))
        .singleElement(STRING)
        .contains("found no matching overload for 'size' applied to '(int)'");
  }

  @Test
  void shouldRejectComparingTypedStringFieldWithInt() {
    assertThat(errorsOf("event.type > 3"))
        .singleElement(STRING)
        .contains("'_>_' applied to '(string, int)'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"event.type", "event.timestamp", "1 + 2", "event.attributes"})
  void shouldRejectNonBooleanCondition(String expression) {
    assertThat(errorsOf(expression))
        .singleElement(STRING)
        .contains("must evaluate to bool")
        .contains(expression);
  }

  @Test
  void shouldAcceptDynConditionBecauseItsTypeIsOnlyKnownAtRunTime() {
    assertThat(ConditionCompiler.compile("profile.vip").isValid()).isTrue();
  }

  @Test
  void shouldRejectUnknownEventFieldNamingValidFields() {
    assertThat(errorsOf("event.chanel == \"WEB\""))
        .singleElement(STRING)
        .contains("undefined field 'chanel'")
        .contains("attributes, channel, customerId, eventId, timestamp, type")
        .contains("event.chanel == \"WEB\"");
  }

  @Test
  void shouldRejectUnknownEventFieldInsideHas() {
    assertThat(errorsOf("has(event.typo)"))
        .singleElement(STRING)
        .contains("undefined field 'typo'")
        .contains("valid fields are");
  }

  @Test
  void shouldRejectUndeclaredVariable() {
    assertThat(errorsOf("customer.vip"))
        .singleElement(STRING)
        .contains("undeclared reference to 'customer'");
  }

  @Test
  void shouldRejectConstructingAnEventStruct() {
    assertThat(errorsOf("io.journeyorchestrator.InteractionEvent{type: \"a\"}.type == \"a\""))
        .singleElement(STRING)
        .contains("creating messages is not supported");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void shouldRejectEmptyCondition(String expression) {
    assertThat(errorsOf(expression)).containsExactly("condition is empty");
  }

  @Test
  void shouldRejectNullCondition() {
    assertThat(errorsOf(null)).containsExactly("condition is empty");
  }

  @Test
  void shouldOfferStringsExtension() {
    assertThat(ConditionCompiler.compile("event.type.lowerAscii().startsWith(\"pay\")").isValid())
        .isTrue();
  }

  private static List<String> errorsOf(String expression) {
    CompileResult result = ConditionCompiler.compile(expression);
    assertThat(result.condition()).as("condition for `%s`", expression).isEmpty();
    return result.errors();
  }
}
