package io.journeyorchestrator.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.ActionDefinition.Cap;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cap blocks while max sends count and frees exactly when the oldest counted one leaves. */
class RollingCapTest {
  private static final Instant BEGINNING = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant ONE_DAY_LATER = BEGINNING.plus(Duration.ofDays(1));
  private static final Instant SEVEN_DAYS_LATER = BEGINNING.plus(Duration.ofDays(7));
  private static final Cap TWO_PER_WEEK = new Cap(2, Duration.ofDays(7));

  @Test
  void shouldNotBlockBelowTheMaximum() {
    assertThat(RollingCap.blockedUntil(TWO_PER_WEEK, List.of(BEGINNING), ONE_DAY_LATER))
        .isEmpty();
  }

  @Test
  void shouldBlockAtTheMaximumUntilTheOldestSendLeavesTheWindow() {
    List<Instant> sends = List.of(BEGINNING, ONE_DAY_LATER);
    assertThat(RollingCap.blockedUntil(TWO_PER_WEEK, sends, ONE_DAY_LATER))
        .contains(SEVEN_DAYS_LATER);
    assertThat(RollingCap.blockedUntil(TWO_PER_WEEK, sends, SEVEN_DAYS_LATER.minusMillis(1)))
        .contains(SEVEN_DAYS_LATER);
    assertThat(RollingCap.blockedUntil(TWO_PER_WEEK, sends, SEVEN_DAYS_LATER)).isEmpty();
  }

  @Test
  void shouldFreeOnlyWhenEnoughSendsLeftAboveTheMaximum() {
    List<Instant> sends = List.of(BEGINNING, BEGINNING.plusSeconds(60), ONE_DAY_LATER);
    // Three count, max two: free once two of them have left, i.e. the second oldest.
    assertThat(RollingCap.blockedUntil(TWO_PER_WEEK, sends, ONE_DAY_LATER))
        .contains(SEVEN_DAYS_LATER.plusSeconds(60));
  }

  @Test
  void shouldNotCountSendsAfterNow() {
    List<Instant> sends = List.of(BEGINNING, ONE_DAY_LATER);
    assertThat(RollingCap.blockedUntil(TWO_PER_WEEK, sends, BEGINNING.plusSeconds(1))).isEmpty();
  }
}
