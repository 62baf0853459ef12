package io.journeyorchestrator.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.ActionDefinition;
import io.journeyorchestrator.config.ActionDefinition.Cap;
import io.journeyorchestrator.config.DecisionSettings;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.decisions.Decision.Blocked;
import io.journeyorchestrator.decisions.Decision.ChannelChoice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Ranking by priority and score, eligibility, and blocking by holdout, suppression and caps. */
class ActionRankingTest {
  private static final Instant BEGINNING = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant ONE_DAY_LATER = BEGINNING.plus(Duration.ofDays(1));
  private static final Instant SEVEN_DAYS_LATER = BEGINNING.plus(Duration.ofDays(7));

  private static final ActionDefinition TRADE_IN_EMAIL =
      action("trade-in-offer-email", "EMAIL", "marketing", 80.0, null, List.of());
  private static final ActionDefinition CARE_EMAIL =
      action("care-email", "EMAIL", "care", 50.0, null, List.of());
  private static final ActionDefinition TRADE_IN_PUSH =
      action("trade-in-offer-push", "PUSH", "marketing", 60.0, null, List.of());
  private static final SuppressionDefinition NO_MARKETING = new SuppressionDefinition(
      "no-marketing-during-support", List.of("open-support-case"), List.of(), List.of("marketing"),
      "suppressions/s.yaml");
  private static final Function<ActionDefinition, Optional<Double>> FIXED =
      a -> Optional.ofNullable(a.priority());
  private static final Function<ActionDefinition, Boolean> NOBODY = a -> false;

  private final ActionRanking ranking = new ActionRanking(
      List.of(TRADE_IN_EMAIL, CARE_EMAIL, TRADE_IN_PUSH), new DecisionSettings("message.sent",
          Map.of(), Map.of("marketing", new Cap(2, Duration.ofDays(7))), null, 0, ""));

  @Test
  void shouldPickTheHighestPriorityPerChannelAndListEmptyChannels() {
    Decision decision = ranking.decide(Set.of("trade-in", "care"), List.of(), FIXED, false,
        NOBODY, List.of(), BEGINNING);
    assertThat(decision.channels()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
        "EMAIL", new ChannelChoice("trade-in-offer-email", List.of()),
        "PUSH", new ChannelChoice("trade-in-offer-push", List.of()))));

    Decision careOnly = ranking.decide(Set.of("care"), List.of(), FIXED, false, NOBODY,
        List.of(), BEGINNING);
    assertThat(careOnly.channels().get("EMAIL").actionId()).isEqualTo("care-email");
    assertThat(careOnly.channels().get("PUSH")).isEqualTo(new ChannelChoice(null, List.of()));
  }

  @Test
  void shouldRankByScoreAndBreakTiesById() {
    Function<ActionDefinition, Optional<Double>> score = a -> Optional.of(
        a.id().equals("care-email") ? 95.0 : a.priority());
    assertThat(ranking.decide(Set.of("trade-in", "care"), List.of(), score, false, NOBODY,
        List.of(), BEGINNING).channels().get("EMAIL").actionId()).isEqualTo("care-email");

    Function<ActionDefinition, Optional<Double>> tie = a -> Optional.of(1.0);
    assertThat(ranking.decide(Set.of("trade-in", "care"), List.of(), tie, false, NOBODY,
        List.of(), BEGINNING).channels().get("EMAIL").actionId()).isEqualTo("care-email");
  }

  @Test
  void shouldSkipAnActionWhoseConditionDoesNotHold() {
    Function<ActionDefinition, Optional<Double>> notTradeIn =
        a -> a == TRADE_IN_EMAIL ? Optional.empty() : FIXED.apply(a);
    assertThat(ranking.decide(Set.of("trade-in", "care"), List.of(), notTradeIn, false, NOBODY,
        List.of(), BEGINNING).channels().get("EMAIL"))
        .isEqualTo(new ChannelChoice("care-email", List.of()));
  }

  @Test
  void shouldBlockByCategoryWhileASuppressionHolds() {
    Decision decision = ranking.decide(Set.of("trade-in", "care"), List.of(NO_MARKETING), FIXED,
        false, NOBODY, List.of(), BEGINNING);
    assertThat(decision.channels().get("EMAIL")).isEqualTo(new ChannelChoice("care-email",
        List.of(new Blocked("trade-in-offer-email", "suppressed:no-marketing-during-support",
            null))));
    assertThat(decision.channels().get("PUSH").actionId()).isNull();
  }

  @Test
  void shouldBlockByCategoryCapUntilTheOldestSendLeavesTheWindow() {
    List<Send> sends = List.of(
        new Send("trade-in-offer-email", "EMAIL", "marketing", BEGINNING),
        new Send("trade-in-offer-push", "PUSH", "marketing", ONE_DAY_LATER));
    Decision capped = ranking.decide(Set.of("trade-in"), List.of(), FIXED, false, NOBODY, sends,
        ONE_DAY_LATER);
    assertThat(capped.channels().get("EMAIL")).isEqualTo(new ChannelChoice(null, List.of(
        new Blocked("trade-in-offer-email", "capped:category:marketing", SEVEN_DAYS_LATER))));

    Decision freed = ranking.decide(Set.of("trade-in"), List.of(), FIXED, false, NOBODY, sends,
        SEVEN_DAYS_LATER);
    assertThat(freed.channels().get("EMAIL").actionId()).isEqualTo("trade-in-offer-email");
  }

  @Test
  void shouldGiveAHeldOutCustomerNoActionAndSaySo() {
    Decision decision = ranking.decide(Set.of("trade-in"), List.of(), FIXED, true, NOBODY,
        List.of(), BEGINNING);
    assertThat(decision.holdout()).isTrue();
    assertThat(decision.channels().get("EMAIL")).isEqualTo(new ChannelChoice(null,
        List.of(new Blocked("trade-in-offer-email", "holdout", null))));
  }

  @Test
  void shouldBeEqualWhenNothingAChannelActsOnChanged() {
    Decision first = ranking.decide(Set.of("trade-in"), List.of(), FIXED, false, NOBODY,
        List.of(), BEGINNING);
    Decision later = ranking.decide(Set.of("trade-in", "unrelated"), List.of(), FIXED, false,
        NOBODY, List.of(), ONE_DAY_LATER);
    assertThat(later).isEqualTo(first);
  }

  private static ActionDefinition action(String id, String channel, String category,
      Double priority, String score, List<Cap> caps) {
    return new ActionDefinition(id, "", channel, category,
        List.of(category.equals("care") ? "care" : "trade-in"), null, priority, score, caps, null,
        "actions/" + id + ".yaml");
  }
}
