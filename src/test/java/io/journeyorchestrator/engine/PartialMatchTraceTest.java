package io.journeyorchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Partial matches told in words, by comparing the journey engine's state before and after. */
class PartialMatchTraceTest {
  private static final long MINUTE = 60_000;
  private static final PatternDefinition CALLS = new PatternDefinition("calls-after-failure", "",
      List.of(new StepDefinition("failed", "true", StepDefinition.Times.ONCE, false,
              StepDefinition.Contiguity.RELAXED, 1),
          new StepDefinition("calls", "true", new StepDefinition.Times(2, null), false,
              StepDefinition.Contiguity.RELAXED, 2)),
      Duration.ofHours(3), PatternDefinition.AfterMatch.SKIP_PAST_LAST_EVENT, "p.yaml");

  private final JourneyMatcher matcher = new JourneyMatcher(CALLS, 100);
  private final PartialMatchTrace trace = new PartialMatchTrace(CALLS);
  private final List<Match> matches = new ArrayList<>();
  private final MatchOutput out = matches::add;

  /** Applies an event for which only the given step holds, and describes what changed. */
  private List<PartialMatchTrace.Line> event(PatternState[] state, String id, long minute,
      int step) {
    PatternState before = state[0];
    state[0] = matcher.onEvent(before, id, minute * MINUTE, 1L << step, out);
    return trace.describe(before, state[0], id, minute * MINUTE, Set.of());
  }

  @Test
  void shouldTellStartedAdvancedAndTimedOutPartialMatchesWithTheirInstants() {
    PatternState[] state = {matcher.initialState()};
    assertThat(event(state, "f1", 0, 0)).containsExactly(new PartialMatchTrace.Line(0,
        "partial match started: f1 took step failed"));
    assertThat(event(state, "c1", 10, 1)).containsExactly(new PartialMatchTrace.Line(
        10 * MINUTE, "partial match advanced: c1 took step calls (2 events: f1,c1)"));

    PatternState before = state[0];
    PatternState after = matcher.advanceTime(before, 500 * MINUTE, out);
    assertThat(trace.describe(before, after, null, 500 * MINUTE, Set.of())).as("at the deadline")
        .contains(new PartialMatchTrace.Line(180 * MINUTE,
            "partial match timed out after 3h at step calls (f1,c1)"));
    assertThat(matches).isEmpty();
  }

  @Test
  void shouldSayWhichStepsWindowEndedAPartialMatchAndWhen() {
    PatternDefinition windowed = new PatternDefinition("calls-after-failure", "",
        List.of(CALLS.steps().get(0), new StepDefinition("calls", "true",
            new StepDefinition.Times(2, null), false, StepDefinition.Contiguity.RELAXED,
            Duration.ofMinutes(30), 2)),
        Duration.ofHours(3), PatternDefinition.AfterMatch.SKIP_PAST_LAST_EVENT, "p.yaml");
    JourneyMatcher windowedMatcher = new JourneyMatcher(windowed, 100);
    PatternState before = windowedMatcher.onEvent(windowedMatcher.initialState(), "f1", 0, 1L,
        out);
    before = windowedMatcher.onEvent(before, "c1", 10 * MINUTE, 1L << 1, out);
    PatternState after = windowedMatcher.advanceTime(before, 100 * MINUTE, out);

    assertThat(new PartialMatchTrace(windowed).describe(before, after, null, 100 * MINUTE,
        Set.of())).containsExactly(new PartialMatchTrace.Line(40 * MINUTE,
            "partial match timed out: too late for step calls (within 30m) at step calls"
                + " (f1,c1)"));
  }

  @Test
  void shouldLeavePartialMatchesThatBecameAMatchToTheMatch() {
    PatternState[] state = {matcher.initialState()};
    event(state, "f1", 0, 0);
    event(state, "c1", 10, 1);
    PatternState before = state[0];
    state[0] = matcher.onEvent(before, "c2", 20 * MINUTE, 1L << 1, out);

    assertThat(matches).hasSize(1);
    assertThat(trace.describe(before, state[0], "c2", 20 * MINUTE, Set.of("f1", "c1", "c2")))
        .extracting(PartialMatchTrace.Line::text)
        .noneMatch(text -> text.contains("(f1,c1)") && text.contains("dropped"));
  }
}
