package io.journeyorchestrator.condition;

import static io.journeyorchestrator.condition.Events.compiled;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Proves that event-type routing hints are derived only where they can never drop a match. */
class RequiredEventTypesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = "=>",
      quoteCharacter = '`',
      value = {
        "event.type == 'a'                                            => a",
        "'a' == event.type                                            => a",
        "event.type in ['a', 'b']                                     => a,b",
        "event.type in ['a', 'b'] && event.attributes.amount > 10     => a,b",
        "profile.vip && event.type == 'a'                             => a",
        "event.type == 'a' || event.type == 'b'                       => a,b",
        "event.type == 'a' || event.type in ['b', 'c']                => a,b,c",
        "(event.type == 'a' || event.type == 'b') && event.channel == 'WEB' => a,b",
        "event.type in ['a', 'b'] && event.type in ['b', 'c']         => b",
        "event.type == 'a' && event.channel == 'WEB' || event.type == 'b' => a,b",
      })
  void shouldDeriveRequiredEventTypes(String expression, String expected) {
    assertThat(compiled(expression).requiredEventTypes())
        .contains(Set.of(expected.split(",")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "event.channel == 'WEB'",
        "event.type == 'a' || event.channel == 'WEB'",
        "event.channel == 'WEB' || event.type == 'a'",
        "!(event.type == 'a')",
        "event.type != 'a'",
        "!(event.type != 'a')",
        "event.type == 'a' ? true : false",
        "event.type.startsWith('a')",
        "event.type in [profile.favouriteType]",
        "event.type == profile.favouriteType",
        "event.attributes.type == 'a'",
        "[{'type': 'a'}].exists(event, event.type == 'a')",
        "has(event.type)",
        "true",
      })
  void shouldNotClaimEventTypesWhenNotDerivable(String expression) {
    assertThat(compiled(expression).requiredEventTypes()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"event.type == 'a' && event.type == 'b'"})
  void shouldDeriveEmptySetForContradictoryTypes(String expression) {
    assertThat(compiled(expression).requiredEventTypes()).contains(Set.of());
  }
}
