package io.journeyorchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Step funnels from the matcher's own partial matches: rows, first reaches, medians, the end. */
class StepFunnelsTest {
  private static final long MINUTE = 60_000;
  private static final PatternDefinition CALLS = new PatternDefinition("calls-after-failure", "",
      List.of(new StepDefinition("failed", "true", StepDefinition.Times.ONCE, false,
              StepDefinition.Contiguity.RELAXED, 1),
          new StepDefinition("calls", "true", new StepDefinition.Times(2, null), false,
              StepDefinition.Contiguity.RELAXED, 2),
          new StepDefinition("paid", "true", StepDefinition.Times.ONCE, true,
              StepDefinition.Contiguity.RELAXED, 3)),
      Duration.ofHours(3), PatternDefinition.AfterMatch.SKIP_PAST_LAST_EVENT, "p.yaml");

  private final JourneyMatcher matcher = new JourneyMatcher(CALLS, 100);
  private final StepFunnels funnels = new StepFunnels();
  private final StepFunnels.Recorder recorder = new StepFunnels.Recorder(CALLS);

  /** Applies an event for which only the given step holds, recording as the engine does. */
  private PatternState event(String customer, PatternState before, String id, long minute,
      int step) {
    List<Match> matches = new ArrayList<>();
    PatternState after = matcher.onEvent(before, id, minute * MINUTE, 1L << step, matches::add);
    record(customer, after, matches);
    return after;
  }

  private void record(String customer, PatternState after, List<Match> matches) {
    for (PatternState.Run run : after.partial) {
      recorder.partialMatch(customer, run.events, funnels);
    }
    matches.forEach(m -> recorder.match(customer, m.taken(), m.endTime(), funnels));
  }

  @Test
  void shouldHaveARowPerRequiredOccurrenceOfEachPresentStepThenMatched() {
    assertThat(StepFunnels.rowsOf(CALLS)).extracting(StepFunnels.Row::label)
        .containsExactly("failed", "calls 1 of 2+", "calls 2 of 2+", "matched");
  }

  @Test
  void shouldCountEachCustomerOncePerRowWithTheTimeSinceThePreviousRow() {
    PatternState a = matcher.initialState();
    a = event("a", a, "a1", 0, 0);
    a = event("a", a, "a2", 10, 1);
    a = event("a", a, "a3", 40, 1);
    a = event("a", a, "a4", 50, 0); // a second partial match: no second count for "failed"
    PatternState b = matcher.initialState();
    b = event("b", b, "b1", 0, 0);
    b = event("b", b, "b2", 30, 1);

    long end = Long.MAX_VALUE;
    assertThat(funnels.customers(CALLS.id(), 0, end)).isEqualTo(2);
    assertThat(funnels.customers(CALLS.id(), 1, end)).isEqualTo(2);
    assertThat(funnels.customers(CALLS.id(), 2, end)).isEqualTo(1);
    assertThat(funnels.medianMillis(CALLS.id(), 0, end)).isEmpty();
    assertThat(funnels.medianMillis(CALLS.id(), 1, end)).as("10 and 30 minutes")
        .isEqualTo(OptionalLong.of(20 * MINUTE));
    assertThat(funnels.medianMillis(CALLS.id(), 2, end)).isEqualTo(OptionalLong.of(30 * MINUTE));

    // The absent last step completes a's match at its deadline, 3 h after a1.
    List<Match> matches = new ArrayList<>();
    a = matcher.advanceTime(a, 1000 * MINUTE, matches::add);
    record("a", a, matches);
    assertThat(funnels.customers(CALLS.id(), 3, end)).isEqualTo(1);
    assertThat(funnels.customers(CALLS.id(), 3, 179 * MINUTE))
        .as("a replay ending before the deadline drops the match, and so does its funnel")
        .isZero();
    assertThat(funnels.customers(CALLS.id(), 1, 20 * MINUTE)).isEqualTo(1);
  }

  @Test
  void shouldMergeTheFunnelsOfSeveralSubtasks() {
    event("a", matcher.initialState(), "a1", 0, 0);
    StepFunnels other = new StepFunnels();
    new StepFunnels.Recorder(CALLS).partialMatch("b",
        new Taken[] {new Taken(0, "b1", 0, 0), new Taken(1, "b2", 5 * MINUTE, 0)}, other);
    funnels.merge(other);
    StepFunnels copy = funnels.clone();
    assertThat(copy.customers(CALLS.id(), 0, Long.MAX_VALUE)).isEqualTo(2);
    assertThat(copy.customers(CALLS.id(), 1, Long.MAX_VALUE)).isEqualTo(1);
    assertThat(copy.medianMillis(CALLS.id(), 1, Long.MAX_VALUE))
        .isEqualTo(OptionalLong.of(5 * MINUTE));
  }
}
