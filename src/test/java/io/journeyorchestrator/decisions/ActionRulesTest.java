package io.journeyorchestrator.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.config.ActionDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** eligibleWhen and CEL scores over the profile; a profile they fail on makes the action ineligible. */
class ActionRulesTest {
  private static final InteractionEvent PROFILE_UPDATED = InteractionEvent.newBuilder()
      .setEventId("evt-1")
      .setCustomerId("cust-42")
      .setTimestamp(Instant.parse("2026-03-01T10:00:00Z"))
      .setType("profile.updated")
      .setChannel(Channel.APP)
      .setAttributes(new HashMap<>())
      .build();
  private static final ActionDefinition EMAIL = new ActionDefinition("trade-in-offer-email", "",
      "EMAIL", "marketing", List.of("trade-in-offer"),
      "has(profile.emailOptIn) && profile.emailOptIn", 80.0, null, List.of(), null, "a.yaml");
  private static final ActionDefinition CALL = new ActionDefinition("care-call-back", "",
      "CALL_CENTER", "care", List.of("open-support-case"), null, null,
      "profile.churnRisk * 100.0", List.of(), null, "b.yaml");

  private final ActionRules rules = new ActionRules(List.of(EMAIL, CALL));
  private final List<ConditionEvaluationException> errors = new ArrayList<>();

  @Test
  void shouldGiveTheFixedPriorityWhileTheConditionHolds() {
    assertThat(rules.priorityOf(EMAIL, PROFILE_UPDATED, Map.of("emailOptIn", true), List.of(), errors::add))
        .contains(80.0);
    assertThat(rules.priorityOf(EMAIL, PROFILE_UPDATED, Map.of("emailOptIn", false),
        List.of(), errors::add)).isEmpty();
    assertThat(rules.priorityOf(EMAIL, PROFILE_UPDATED, Map.of(), List.of(), errors::add)).isEmpty();
    assertThat(errors).isEmpty();
  }

  @Test
  void shouldScoreFromTheProfile() {
    assertThat(rules.priorityOf(CALL, PROFILE_UPDATED, Map.of("churnRisk", 0.7), List.of(), errors::add))
        .hasValueSatisfying(p -> assertThat(p).isCloseTo(70.0,
            org.assertj.core.data.Offset.offset(1e-9)));
  }

  @Test
  void shouldLetEligibilityAndScoreReadTheCustomersAudiences() {
    ActionDefinition priority = new ActionDefinition("priority-call-back", "", "CALL_CENTER",
        "care", List.of("open-support-case"), "\"tried-web-and-ivr\" in audiences", null,
        "audiences.size() * 10", List.of(), null, "c.yaml");
    ActionRules withAudiences = new ActionRules(List.of(priority));

    assertThat(withAudiences.priorityOf(priority, PROFILE_UPDATED, Map.of(),
        List.of("open-support-case", "tried-web-and-ivr"), errors::add)).contains(20.0);
    assertThat(withAudiences.priorityOf(priority, PROFILE_UPDATED, Map.of(),
        List.of("open-support-case"), errors::add)).isEmpty();
    assertThat(errors).isEmpty();
  }

  @Test
  void shouldMakeTheActionIneligibleAndReportWhenTheScoreFailsOnTheProfile() {
    assertThat(rules.priorityOf(CALL, PROFILE_UPDATED, Map.of(), List.of(), errors::add)).isEmpty();
    assertThat(rules.priorityOf(CALL, PROFILE_UPDATED, Map.of("churnRisk", "high"), List.of(), errors::add))
        .isEmpty();
    assertThat(errors).hasSize(2);
  }
}
