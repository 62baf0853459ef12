package io.journeyorchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.internal.avro.EnginePatternState;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.matching.CompiledPattern;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The matcher at the boundaries analysts ask about, each checked against Flink CEP too: events
 * exactly at {@code start + within}, absent last steps at their deadline, strict contiguity,
 * repetitions with skip-past-last-event, combinations with no-skip; and what only the matcher has:
 * the cap on partial matches, state that empties once {@code within} has passed, its Avro record.
 */
class JourneyMatcherTest {
  private static final Instant BEGINNING = Instant.parse("2026-03-02T09:00:00Z");
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static Instant at(Duration sinceBeginning) {
    return BEGINNING.plus(sinceBeginning);
  }

  private static Instant seconds(long seconds) {
    return at(Duration.ofSeconds(seconds));
  }

  private record In(JourneyEvent event, Instant watermark) {}

  private static In event(String id, Instant time, String type) {
    return new In(new JourneyEvent(InteractionEvent.newBuilder().setEventId(id)
        .setCustomerId("alice").setTimestamp(time).setType(type).setChannel(Channel.WEB)
        .setAttributes(Map.of()).build(), Map.of()), null);
  }

  private static In watermark(Instant time) {
    return new In(null, time);
  }

  private PatternDefinition load(String yaml) throws Exception {
    JobFolder.in(dir).pattern("p", yaml);
    return JobLoader.load(dir).patterns().get(0);
  }

  /** Runs the inputs through Flink CEP and the matcher; asserts they agree; the matcher's run. */
  private EngineDriver run(String yaml, int cap, In... inputs) throws Exception {
    CompiledPattern pattern = CompiledPattern.compile(load(yaml));
    EngineDriver engine = new EngineDriver(new JourneyMatcher(pattern.definition(), cap), pattern);
    try (CepReference cep = new CepReference(pattern)) {
      for (In input : inputs) {
        if (input.event != null) {
          cep.event(input.event);
          engine.event(input.event);
        } else {
          cep.watermark(input.watermark.toEpochMilli());
          engine.watermark(input.watermark.toEpochMilli());
        }
      }
      if (engine.dropped == 0) {
        assertThat(engine.matches).as("matcher against Flink CEP").isEqualTo(cep.matches());
      }
    }
    return engine;
  }

  private EngineDriver run(String yaml, In... inputs) throws Exception {
    return run(yaml, 1000, inputs);
  }

  private static String aThenB(String contiguity, String afterMatch) {
    return """
        id: a-then-b
        afterMatch: %s
        steps:
          - name: a
            when: event.type == "a"
          - name: b
            when: event.type == "b"
            contiguity: %s
        within: 10s
        """.formatted(afterMatch, contiguity);
  }

  private static final String A_THEN_B = aThenB("relaxed", "skip-past-last-event");

  @Test
  void shouldNotTakeAnEventExactlyAtStartPlusWithin() throws Exception {
    EngineDriver engine = run(A_THEN_B,
        event("a1", seconds(0), "a"),
        event("b1", seconds(10), "b"),
        event("a2", seconds(20), "a"),
        event("b2", seconds(30).minusMillis(1), "b"),
        watermark(seconds(60)));

    assertThat(engine.matches).containsExactly("alice: a=a2 b=b2");
    assertThat(engine.allStatesEmptyAtEnd()).isTrue();
  }

  private static final String NOT_ACTIVATED = """
      id: not-activated
      steps:
        - name: bought
          when: event.type == "bought"
        - name: activated
          when: event.type == "activated"
          absent: true
      within: 10s
      """;

  @Test
  void shouldMatchAnAbsentLastStepAtItsDeadlineEvenWhenTheEventComesAtTheDeadline()
      throws Exception {
    EngineDriver engine = run(NOT_ACTIVATED,
        event("bought1", seconds(0), "bought"),
        event("activated1", seconds(10), "activated"),
        event("bought2", seconds(20), "bought"),
        event("activated2", seconds(30).minusMillis(1), "activated"),
        watermark(seconds(60)));

    assertThat(engine.matches).containsExactly("alice: bought=bought1");
    assertThat(engine.matchObjects).singleElement()
        .satisfies(match -> assertThat(match.endTime()).isEqualTo(seconds(10).toEpochMilli()));
  }

  @Test
  void shouldMatchAStrictAbsentLastStepOnTheNextEventAsFlinkCepDoes() throws Exception {
    // notNext as the last step: CEP completes the match on the customer's next event when that
    // is not the absent one, and drops it when none comes within; MatchBuilder still stamps the
    // end at the deadline.
    EngineDriver engine = run(NOT_ACTIVATED.replace("absent: true",
            "absent: true\n    contiguity: strict"),
        event("bought1", seconds(0), "bought"),
        event("page1", seconds(2), "page"),
        event("bought2", seconds(20), "bought"),
        watermark(seconds(60)));

    assertThat(engine.matches).containsExactly("alice: bought=bought1");
    assertThat(engine.matchObjects).singleElement()
        .satisfies(match -> assertThat(match.endTime()).isEqualTo(seconds(10).toEpochMilli()));
  }

  @Test
  void shouldCompleteAnAbsentLastStepOnlyOnceTimeReachesTheDeadline() throws Exception {
    PatternDefinition definition = load(NOT_ACTIVATED);
    JourneyMatcher matcher = new JourneyMatcher(definition, 100);
    List<Match> matches = new ArrayList<>();
    PatternState state = matcher.onEvent(matcher.initialState(), "bought1",
        seconds(0).toEpochMilli(), 0b01, matches::add);

    assertThat(matcher.nextDeadline(state)).isEqualTo(seconds(10).toEpochMilli());
    state = matcher.advanceTime(state, seconds(10).toEpochMilli() - 1, matches::add);
    assertThat(matches).isEmpty();
    state = matcher.advanceTime(state, seconds(10).toEpochMilli(), matches::add);
    assertThat(matches).extracting(Match::events)
        .containsExactly(List.of(new EventRef("bought1", seconds(0).toEpochMilli())));
    assertThat(matcher.isEmpty(state)).isTrue();
    assertThat(matcher.nextDeadline(state)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void shouldBreakStrictContiguityOnAnEventNoStepTakes() throws Exception {
    EngineDriver engine = run(aThenB("strict", "skip-past-last-event"),
        event("a1", seconds(0), "a"),
        event("x1", seconds(1), "x"),
        event("b1", seconds(2), "b"),
        event("a2", seconds(3), "a"),
        event("b2", seconds(4), "b"),
        watermark(seconds(60)));

    assertThat(engine.matches).containsExactly("alice: a=a2 b=b2");
  }

  @Test
  void shouldMatchTwoOrMoreInPairsWithSkipPastLastEvent() throws Exception {
    List<In> calls = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      calls.add(event("c" + i, seconds(i), "call"));
    }
    calls.add(watermark(seconds(60)));
    EngineDriver engine = run("""
        id: calls
        steps:
          - name: calls
            when: event.type == "call"
            times: "2+"
        within: 10s
        """, calls.toArray(new In[0]));

    assertThat(engine.matches).containsExactly("alice: calls=c1,c2", "alice: calls=c3,c4");
  }

  @Test
  void shouldMatchEveryCombinationWithAnyAndNoSkip() throws Exception {
    EngineDriver engine = run("""
        id: view-then-visits
        afterMatch: no-skip
        steps:
          - name: view
            when: event.type == "view"
          - name: visits
            when: event.type == "visit"
            times: 2
            contiguity: any
        within: 10s
        """,
        event("v1", seconds(0), "view"),
        event("s1", seconds(1), "visit"),
        event("s2", seconds(2), "visit"),
        event("s3", seconds(3), "visit"),
        watermark(seconds(60)));

    assertThat(engine.matches).containsExactly(
        "alice: view=v1 visits=s1,s2",
        "alice: view=v1 visits=s1,s3",
        "alice: view=v1 visits=s2,s3");
  }

  @Test
  void shouldOrderMatchesOfOneInstantByEventIdAsTheTimelineReleasesThem() throws Exception {
    EngineDriver engine = run(aThenB("any", "no-skip"),
        event("a1", seconds(0), "a"),
        event("a2", seconds(0), "a"),
        event("b1", seconds(1), "b"),
        event("b2", seconds(1), "b"),
        watermark(seconds(60)));

    assertThat(engine.matches).containsExactly("alice: a=a1 b=b1", "alice: a=a2 b=b1",
        "alice: a=a1 b=b2", "alice: a=a2 b=b2");
  }

  @Test
  void shouldDropTheOldestPartialMatchesBeyondTheCapAndCountThem() throws Exception {
    List<In> inputs = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      inputs.add(event("a" + i, seconds(i), "a"));
    }
    inputs.add(watermark(seconds(5)));
    inputs.add(event("b1", seconds(6), "b"));
    inputs.add(watermark(seconds(6)));
    EngineDriver engine = run(A_THEN_B, 3, inputs.toArray(new In[0]));

    assertThat(engine.dropped).isEqualTo(2);
    assertThat(engine.maxPartialMatches).isEqualTo(3);
    assertThat(engine.matches).containsExactly("alice: a=a3 b=b1");
    assertThat(engine.allStatesEmptyAtEnd()).isTrue();
  }

  @Test
  void shouldHoldNothingOnceWithinHasPassed() throws Exception {
    JourneyMatcher matcher = new JourneyMatcher(load(A_THEN_B), 100);
    PatternState state = matcher.initialState();
    MatchOutput none = match -> { throw new AssertionError(match); };
    state = matcher.onEvent(state, "a1", seconds(0).toEpochMilli(), 0b01, none);
    state = matcher.onEvent(state, "a2", seconds(4).toEpochMilli(), 0b01, none);
    assertThat(state.partialMatches()).isEqualTo(2);
    assertThat(matcher.nextDeadline(state)).isEqualTo(seconds(10).toEpochMilli());

    int[] timedOut = new int[1];
    MatchOutput counting = new MatchOutput() {
      @Override
      public void match(Match match) {
        throw new AssertionError(match);
      }

      @Override
      public void timedOut(int count) {
        timedOut[0] += count;
      }
    };
    state = matcher.advanceTime(state, matcher.nextDeadline(state), counting);
    assertThat(matcher.nextDeadline(state)).isEqualTo(seconds(14).toEpochMilli());
    state = matcher.advanceTime(state, matcher.nextDeadline(state), counting);
    assertThat(timedOut[0]).isEqualTo(2);
    assertThat(matcher.isEmpty(state)).isTrue();
    assertThat(state).isSameAs(matcher.initialState());
  }

  @Test
  void shouldReturnTheSameStateWhenAnEventChangesNothing() throws Exception {
    JourneyMatcher matcher = new JourneyMatcher(load(A_THEN_B), 100);
    MatchOutput none = match -> { throw new AssertionError(match); };
    PatternState empty = matcher.initialState();
    assertThat(matcher.onEvent(empty, "x", seconds(0).toEpochMilli(), 0, none)).isSameAs(empty);

    PatternState waiting = matcher.onEvent(empty, "a1", seconds(1).toEpochMilli(), 0b01, none);
    assertThat(matcher.onEvent(waiting, "x", seconds(2).toEpochMilli(), 0, none))
        .isSameAs(waiting);
    assertThat(matcher.advanceTime(waiting, seconds(5).toEpochMilli(), none)).isSameAs(waiting);
  }

  @Test
  void shouldKeepItsStateInAnAvroRecordNotKryo() throws Exception {
    JourneyMatcher matcher = new JourneyMatcher(load(A_THEN_B), 100);
    MatchOutput none = match -> { throw new AssertionError(match); };
    PatternState state = matcher.onEvent(matcher.initialState(), "a1",
        seconds(1).toEpochMilli(), 0b01, none);
    state = matcher.onEvent(state, "a2", seconds(1).toEpochMilli(), 0b01, none);

    assertThat(new AvroTypeInfo<>(EnginePatternState.class)
        .createSerializer(new SerializerConfigImpl())).isInstanceOf(AvroSerializer.class);
    PatternState restored = StateRecords.roundTrip(matcher, state);
    assertThat(restored.toRecord()).isEqualTo(state.toRecord());
    // The start state and two partial matches of one event each.
    assertThat(StateRecords.bytes(state)).hasSizeLessThan(60);

    List<Match> matches = new ArrayList<>();
    JourneyMatcher shipped = InstantiationUtil.clone(matcher);
    shipped.onEvent(restored, "b1", seconds(2).toEpochMilli(), 0b10, matches::add);
    assertThat(matches).extracting(m -> m.step("a").get(0).eventId()).containsExactly("a1");
  }
}
