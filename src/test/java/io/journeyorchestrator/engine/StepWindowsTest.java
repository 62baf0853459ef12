package io.journeyorchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.matching.CompiledPattern;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's own {@code within}, which Flink CEP has no counterpart for: a repeated step's window
 * counted from its first occurrence, a single step's from the previous step's event, both
 * exclusive at the boundary; partial matches ended when every step they could take has missed
 * its window, releasing a match held back behind them; a pattern bounded by step windows alone.
 */
class StepWindowsTest {
  private static final Instant DAY_ONE = Instant.parse("2026-03-02T09:00:00Z");

  @TempDir Path dir;

  private static long at(Duration sinceDayOne) {
    return DAY_ONE.plus(sinceDayOne).toEpochMilli();
  }

  private static long hours(double hours) {
    return at(Duration.ofMillis(Math.round(hours * 3_600_000)));
  }

  private static JourneyEvent event(String id, long time, String type) {
    return new JourneyEvent(InteractionEvent.newBuilder().setEventId(id).setCustomerId("alice")
        .setTimestamp(Instant.ofEpochMilli(time)).setType(type).setChannel(Channel.WEB)
        .setAttributes(Map.of()).build(), Map.of());
  }

  private EngineDriver driver(String yaml) throws Exception {
    JobFolder.in(dir).pattern("p", yaml);
    CompiledPattern pattern = CompiledPattern.compile(JobLoader.load(dir).patterns().get(0));
    return new EngineDriver(new JourneyMatcher(pattern.definition(), 1000), pattern);
  }

  private static final String PAYMENT_THEN_CALLS = """
      id: calls-after-payment
      steps:
        - name: failed-payment
          when: event.type == "payment.failed"
        - name: calls
          when: event.type == "call"
          times: "3+"
          contiguity: %s
          within: 3h
      within: 2d
      """;

  @Test
  void shouldCountARepeatedStepsWindowFromItsFirstOccurrenceNotFromThePreviousStep()
      throws Exception {
    EngineDriver engine = driver(PAYMENT_THEN_CALLS.formatted("relaxed"));
    engine.event(event("pay", hours(0), "payment.failed"));
    // A day after the payment: the pattern's 2d holds, the calls' 3h counts from the first call.
    engine.event(event("c1", hours(24), "call"));
    engine.event(event("c2", hours(25), "call"));
    engine.event(event("c3", hours(27) - 1, "call"));
    engine.watermark(hours(72));

    assertThat(engine.matches).containsExactly("alice: failed-payment=pay calls=c1,c2,c3");
    assertThat(engine.allStatesEmptyAtEnd()).isTrue();
  }

  @Test
  void shouldNotTakeAnOccurrenceExactlyAtTheEndOfTheStepWindow() throws Exception {
    EngineDriver engine = driver(PAYMENT_THEN_CALLS.formatted("relaxed"));
    engine.event(event("pay", hours(0), "payment.failed"));
    engine.event(event("c1", hours(24), "call"));
    engine.event(event("c2", hours(25), "call"));
    engine.event(event("c3", hours(27), "call"));
    engine.event(event("c4", hours(27.5), "call"));
    engine.watermark(hours(72));

    // Relaxed: the partial match took c1, so its calls had to come before 27h; c3 and c4 are
    // late for it, and it ends at 27h rather than at the pattern's 48h.
    assertThat(engine.matches).isEmpty();
    assertThat(engine.allStatesEmptyAtEnd()).isTrue();
  }

  @Test
  void shouldFindAnyThreeCallsWithinTheStepWindowWithContiguityAny() throws Exception {
    EngineDriver engine = driver(PAYMENT_THEN_CALLS.formatted("any"));
    engine.event(event("pay", hours(0), "payment.failed"));
    engine.event(event("c1", hours(20), "call"));
    engine.event(event("c2", hours(25), "call"));
    engine.event(event("c3", hours(26), "call"));
    engine.event(event("c4", hours(27), "call"));
    engine.watermark(hours(72));

    // c1 is 5h before the others; 'any' also tries the partial match that skipped it.
    assertThat(engine.matches).containsExactly("alice: failed-payment=pay calls=c2,c3,c4");
  }

  private static final String ORDER_THEN_DELIVERY = """
      id: late-delivery
      steps:
        - name: placed
          when: event.type == "order.placed"
        - name: shipped
          when: event.type == "order.shipped"
          within: 1d
        - name: delivered
          when: event.type == "order.delivered"
          within: 2d
      """;

  @Test
  void shouldCountASingleStepsWindowFromThePreviousStepsEventAndNeedNoPatternWindow()
      throws Exception {
    EngineDriver engine = driver(ORDER_THEN_DELIVERY);
    engine.event(event("o1", hours(0), "order.placed"));
    engine.event(event("s1", hours(24) - 1, "order.shipped"));
    // 2d after the shipment, not after the order: 71h after the order is still in time.
    engine.event(event("d1", hours(71), "order.delivered"));
    engine.event(event("o2", hours(100), "order.placed"));
    engine.event(event("s2", hours(124), "order.shipped"));
    engine.watermark(hours(400));

    assertThat(engine.matches).containsExactly("alice: placed=o1 shipped=s1 delivered=d1");
    // Bounded with no pattern 'within': o2's partial match ended at 124h, exactly when its
    // shipment came too late.
    assertThat(engine.allStatesEmptyAtEnd()).isTrue();
  }

  @Test
  void shouldEndAPartialMatchWhenItsStepWindowPassesAndSetTheDeadlineThere() throws Exception {
    JobFolder.in(dir).pattern("p", ORDER_THEN_DELIVERY);
    JourneyMatcher matcher = new JourneyMatcher(JobLoader.load(dir).patterns().get(0), 100);
    List<Match> matches = new ArrayList<>();
    int[] timedOut = {0};
    MatchOutput out = new MatchOutput() {
      @Override
      public void match(Match match) {
        matches.add(match);
      }

      @Override
      public void timedOut(int count) {
        timedOut[0] += count;
      }
    };
    PatternState state = matcher.onEvent(matcher.initialState(), "o1", hours(0), 0b001, out);
    assertThat(matcher.nextDeadline(state)).isEqualTo(hours(24));
    state = matcher.onEvent(state, "s1", hours(10), 0b010, out);
    assertThat(matcher.nextDeadline(state)).isEqualTo(hours(58));

    state = matcher.advanceTime(state, hours(58) - 1, out);
    assertThat(matcher.isEmpty(state)).isFalse();
    state = matcher.advanceTime(state, hours(58), out);
    assertThat(matcher.isEmpty(state)).isTrue();
    assertThat(timedOut[0]).isEqualTo(1);
    assertThat(matches).isEmpty();
    assertThat(matcher.nextDeadline(state)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void shouldReleaseAMatchHeldBackBehindAPartialMatchWhoseStepWindowPassed() throws Exception {
    // Skip-past-last-event holds a match back while an earlier partial match could still end
    // first; one whose step window has passed cannot, so the match comes when that window ends,
    // not when the pattern's does.
    EngineDriver engine = driver("""
        id: a-then-b
        steps:
          - name: a
            when: event.type == "a"
          - name: b
            when: event.type == "b"
            within: 1h
        within: 10d
        """);
    engine.event(event("a1", hours(0), "a"));
    engine.event(event("a2", hours(2), "a"));
    engine.event(event("b1", hours(2.5), "b"));
    engine.watermark(hours(3));

    assertThat(engine.matches).containsExactly("alice: a=a2 b=b1");
    assertThat(engine.allStatesEmptyAtEnd()).isTrue();
  }
}
