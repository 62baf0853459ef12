package io.journeyorchestrator.condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves that bad conditions are rejected at config-load time, placed at line and column, syntax
 * errors in plain words with the fix for common slips, other errors in CEL's own words.
 */
class ConditionCompilerTest {

  @Test
  void shouldCompileValidCondition() {
    CompileResult result = ConditionCompiler.compile("event.type == \"payment.failed\"");

    assertThat(result.errors()).isEmpty();
    assertThat(result.condition()).hasValueSatisfying(
        condition -> assertThat(condition.source()).isEqualTo("event.type == \"payment.failed\""));
  }

  static Stream<Arguments> slips() {
    return Stream.of(
        Arguments.of("event.type = \"a\"", 1, 12,
            "a single '=' is not a CEL operator; to compare, write '=='"),
        Arguments.of("event.type === \"a\"", 1, 14,
            "'===' is not a CEL operator; to compare, write '=='"),
        Arguments.of("event.type == \"a\" and event.channel == \"WEB\"", 1, 19,
            "'and' is not a CEL operator; write '&&' (both must be true)"),
        Arguments.of("event.type == \"a\" OR event.type == \"b\"", 1, 19,
            "'or' is not a CEL operator; write '||' (either may be true)"),
        Arguments.of("not event.type == \"a\"", 1, 5,
            "'not' is not a CEL operator; write '!' before what it negates,"
                + " e.g. !(event.type == \"a\")"),
        Arguments.of("event.type == \"a\" && not(event.channel == \"WEB\")", 1, 25,
            "undeclared reference to 'not' (in container ''); 'not' is not a CEL operator;"
                + " write '!' before what it negates, e.g. !(event.type == \"a\")"),
        Arguments.of("event.type == \"a\" &&", 1, 21,
            "the condition ends with '&&', which needs something after it; complete it or"
                + " remove the '&&'"),
        Arguments.of("event.type == ", 1, 14,
            "the condition ends with '==', which needs something after it; complete it or"
                + " remove the '=='"),
        Arguments.of("event.type in", 1, 14,
            "the condition ends with 'in', which needs something after it; complete it or"
                + " remove the 'in'"),
        Arguments.of("(event.type == \"a\"", 1, 19, "a '(' is not closed; add the missing ')'"),
        Arguments.of("event.type in [\"a\", \"b\"", 1, 24,
            "a '[' is not closed; add the missing ']'"),
        Arguments.of("event.type == \"a\")", 1, 18,
            "this ')' has no matching '('; remove it or add the '('"),
        Arguments.of("event.type == \"a", 1, 15,
            "the text in quotes that starts here is not closed; end it with \""),
        Arguments.of("event.type in [\"a\" \"b\"]", 1, 20,
            "'\"b\"' is not expected here; check what comes just before it"),
        Arguments.of("event.type == \"a\" &&\n  event.channel = \"WEB\"", 2, 17,
            "a single '=' is not a CEL operator; to compare, write '=='"),
        // A YAML block keeps its last line break: the end of input is the end of the last line.
        Arguments.of("event.type == \"a\" ||\n", 1, 21,
            "the condition ends with '||', which needs something after it; complete it or"
                + " remove the '||'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("slips")
  void shouldExplainCommonSlipsInPlainWordsAtTheirPlace(String expression, int line, int column,
      String message) {
    assertThat(ConditionCompiler.compile(expression).errors())
        .containsExactly(new ConditionError(line, column, message));
  }

  @Test
  void shouldAcceptSingleQuotesLikeDoubleQuotes() {
    assertThat(ConditionCompiler.compile("event.type == 'payment.failed'").isValid()).isTrue();
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
        .containsExactly("line 1, column 6: undefined field 'chanel' on event; valid fields are:"
            + " attributes, channel, customerId, eventId, timestamp, type");
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
    return result.errors().stream().map(ConditionError::toString).toList();
  }
}
