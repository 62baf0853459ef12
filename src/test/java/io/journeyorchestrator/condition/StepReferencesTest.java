package io.journeyorchestrator.condition;

import static io.journeyorchestrator.condition.Events.MAY_2024;
import static io.journeyorchestrator.condition.Events.compiled;
import static io.journeyorchestrator.condition.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cross-step conditions: {@code steps.<name>} type-checked, named, and evaluated per partial match. */
class StepReferencesTest {
  private static final InteractionEvent PLACED = event("order.placed", Channel.WEB, MAY_2024,
      Map.of("orderId", "o-1", "amount", 40.0));
  private static final InteractionEvent OTHER_ORDER = event("order.placed", Channel.WEB,
      MAY_2024, Map.of("orderId", "o-2", "amount", 70.0));
  private static final InteractionEvent DELIVERED = event("order.delivered", Channel.STORE,
      MAY_2024.plusSeconds(3600), Map.of("orderId", "o-1"));

  @Test
  void shouldCompareTheEventWithTheEventAnEarlierStepTook() throws Exception {
    Condition sameOrder = compiled(
        "event.type == 'order.delivered' && event.attributes.orderId == steps.placed.attributes.orderId");

    assertThat(sameOrder.stepsNamed()).containsExactly("placed");
    assertThat(sameOrder.readsSteps()).isTrue();
    assertThat(sameOrder.requiredEventTypes()).contains(java.util.Set.of("order.delivered"));
    assertThat(sameOrder.evaluate(DELIVERED, Map.of(), Map.of("placed", List.of(PLACED))))
        .isTrue();
    assertThat(sameOrder.evaluate(DELIVERED, Map.of(), Map.of("placed", List.of(OTHER_ORDER))))
        .isFalse();
  }

  @Test
  void shouldSeeARepeatedStepsLastEventAndAllOfThemInOrder() throws Exception {
    Map<String, List<InteractionEvent>> steps = Map.of("placed", List.of(PLACED, OTHER_ORDER));

    assertThat(compiled("steps.placed.attributes.orderId == 'o-2'")
        .evaluate(DELIVERED, Map.of(), steps)).isTrue();
    assertThat(compiled("steps.placed.all.size() == 2"
        + " && steps.placed.all[0].attributes.orderId == 'o-1'")
        .evaluate(DELIVERED, Map.of(), steps)).isTrue();
    assertThat(compiled("steps.placed.all.exists(p, p.attributes.orderId == event.attributes.orderId)")
        .evaluate(DELIVERED, Map.of(), steps)).isTrue();
    assertThat(compiled("event.timestamp - steps.placed.timestamp > duration('30m')")
        .evaluate(DELIVERED, Map.of(), Map.of("placed", List.of(PLACED)))).isTrue();
  }

  @Test
  void shouldReadAStepWhoseNameHasADashByIndex() throws Exception {
    Condition sameProduct = compiled(
        "event.attributes.orderId == steps['order-placed'].attributes.orderId");

    assertThat(sameProduct.stepsNamed()).containsExactly("order-placed");
    assertThat(sameProduct.evaluate(DELIVERED, Map.of(),
        Map.of("order-placed", List.of(PLACED)))).isTrue();
  }

  @Test
  void shouldTypeCheckTheFieldsOfAStepsEvent() {
    CompileResult typo = ConditionCompiler.compile("steps.placed.atributes.orderId == 'o-1'");
    assertThat(typo.isValid()).isFalse();
    assertThat(typo.errors().toString()).contains("atributes");

    CompileResult notAList = ConditionCompiler.compile("steps.placed.all == 'o-1'");
    assertThat(notAList.isValid()).isFalse();
  }

  @Test
  void shouldRefuseStepsReadOtherwiseThanByName() {
    CompileResult computed = ConditionCompiler.compile("steps[event.type].type == 'order.placed'");
    assertThat(computed.isValid()).isFalse();
    assertThat(computed.errors().toString()).contains("steps.<step name>");
    assertThat(ConditionCompiler.compile("size(steps) > 0").isValid()).isFalse();

    assertThat(compiled("event.type == 'order.placed'").readsSteps()).isFalse();
  }
}
