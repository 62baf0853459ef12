package io.journeyorchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.PatternDefinition.AfterMatch;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.config.StepDefinition.AnyOrder;
import io.journeyorchestrator.config.StepDefinition.Contiguity;
import io.journeyorchestrator.config.StepDefinition.Times;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.matching.CompiledPattern;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anyOrder} groups, which Flink CEP has no form for: members taken in any order with other
 * events between, a member's repetition ignored, an event two members hold for tried both ways,
 * the pattern's window exclusive at its end, strict groups, steps and absences around a group,
 * and the skip strategies. With {@code contiguity: any} and {@code no-skip} a group's matches are
 * exactly the union of Flink CEP's matches of one pattern per order of its members, which the
 * last test checks over random journeys.
 */
class AnyOrderGroupTest {
  private static final Instant BEGINNING = Instant.parse("2026-03-02T09:00:00Z");

  @TempDir Path dir;

  private static long seconds(double seconds) {
    return BEGINNING.toEpochMilli() + Math.round(seconds * 1000);
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

  private static final String TWO_OF_THREE = """
      id: tried-channels
      afterMatch: %s
      steps:
        - anyOrder:
            - name: web
              when: event.type == "web"
            - name: ivr
              when: event.type == "ivr"
            - name: app
              when: event.type == "app"
          atLeast: 2
          contiguity: %s
      within: 10s
      """;

  @Test
  void shouldTakeAnyTwoMembersInAnyOrderIgnoringOtherEventsAndRepetitions() throws Exception {
    EngineDriver engine = driver(TWO_OF_THREE.formatted("skip-past-last-event", "relaxed"));
    engine.event(event("ivr1", seconds(0), "ivr"));
    engine.event(event("other1", seconds(1), "other"));
    engine.event(event("ivr2", seconds(2), "ivr"));
    engine.event(event("web1", seconds(3), "web"));
    // Past the first match's last event: a new partial match starts with the app.
    engine.event(event("app1", seconds(4), "app"));
    engine.event(event("other2", seconds(5), "other"));
    engine.event(event("ivr3", seconds(6), "ivr"));
    engine.watermark(seconds(60));

    assertThat(engine.matches).containsExactly(
        "alice: web=web1 ivr=ivr1", "alice: ivr=ivr3 app=app1");
    assertThat(engine.matchObjects.get(0).startTime()).isEqualTo(seconds(0));
    assertThat(engine.matchObjects.get(0).endTime()).isEqualTo(seconds(3));
    assertThat(engine.allStatesEmptyAtEnd()).isTrue();
  }

  @Test
  void shouldNotCountAMemberExactlyAtTheEndOfThePatternsWindow() throws Exception {
    EngineDriver engine = driver(TWO_OF_THREE.formatted("skip-past-last-event", "relaxed"));
    engine.event(event("web1", seconds(0), "web"));
    engine.event(event("app1", seconds(10), "app"));
    engine.event(event("ivr1", seconds(19.999), "ivr"));
    engine.watermark(seconds(60));

    assertThat(engine.matches).containsExactly("alice: ivr=ivr1 app=app1");
  }

  @Test
  void shouldTryBothMembersForAnEventBothHoldFor() throws Exception {
    EngineDriver engine = driver("""
        id: call-and-callback
        steps:
          - anyOrder:
              - name: call
                when: event.type in ["call", "callback"]
              - name: callback
                when: event.type == "callback"
        within: 10s
        """);
    // cb1 is both a call and a callback; only as the callback can c1, later, complete the group.
    engine.event(event("cb1", seconds(0), "callback"));
    engine.event(event("c1", seconds(1), "call"));
    engine.watermark(seconds(60));

    assertThat(engine.matches).containsExactly("alice: call=c1 callback=cb1");
  }

  @Test
  void shouldEndAStrictGroupOnAnEventNoMemberTakes() throws Exception {
    EngineDriver engine = driver(TWO_OF_THREE.formatted("skip-past-last-event", "strict"));
    engine.event(event("web1", seconds(0), "web"));
    engine.event(event("other1", seconds(1), "other"));
    engine.event(event("ivr1", seconds(2), "ivr"));
    engine.event(event("web2", seconds(3), "web"));
    engine.watermark(seconds(60));

    assertThat(engine.matches).containsExactly("alice: web=web2 ivr=ivr1");
  }

  @Test
  void shouldMatchEveryPairWithNoSkip() throws Exception {
    EngineDriver engine = driver(TWO_OF_THREE.formatted("no-skip", "relaxed"));
    engine.event(event("web1", seconds(0), "web"));
    engine.event(event("ivr1", seconds(1), "ivr"));
    engine.event(event("app1", seconds(2), "app"));
    engine.watermark(seconds(60));

    // Each partial match starts at its first event and takes the next member it can: web1's
    // took ivr1 and was done, so web1 and app1 are no pair (contiguity: any would make them one).
    assertThat(engine.matches).containsExactly(
        "alice: web=web1 ivr=ivr1", "alice: ivr=ivr1 app=app1");
  }

  @Test
  void shouldCountAStepWindowAfterTheGroupFromItsLastMember() throws Exception {
    EngineDriver engine = driver("""
        id: tried-then-called
        steps:
          - name: tried
            anyOrder:
              - name: web
                when: event.type == "web"
              - name: ivr
                when: event.type == "ivr"
          - name: call
            when: event.type == "call"
            within: 2s
        within: 10s
        """);
    engine.event(event("ivr1", seconds(0), "ivr"));
    engine.event(event("web1", seconds(3), "web"));
    engine.event(event("call1", seconds(4.5), "call"));
    engine.event(event("web2", seconds(20), "web"));
    engine.event(event("ivr2", seconds(21), "ivr"));
    engine.event(event("call2", seconds(23), "call"));
    engine.watermark(seconds(60));

    assertThat(engine.matches).containsExactly("alice: web=web1 ivr=ivr1 call=call1");
    assertThat(engine.allStatesEmptyAtEnd()).isTrue();
  }

  @Test
  void shouldCompleteAGroupFollowedByAnAbsenceAtTheDeadline() throws Exception {
    EngineDriver engine = driver("""
        id: registered-not-activated
        steps:
          - anyOrder:
              - name: bought
                when: event.type == "purchase"
              - name: registered
                when: event.type == "registration"
          - name: activated
            when: event.type == "activation"
            absent: true
        within: 10s
        """);
    engine.event(event("reg1", seconds(0), "registration"));
    engine.event(event("buy1", seconds(2), "purchase"));
    engine.event(event("reg2", seconds(20), "registration"));
    engine.event(event("buy2", seconds(21), "purchase"));
    engine.event(event("act2", seconds(25), "activation"));
    engine.watermark(seconds(60));

    assertThat(engine.matches).containsExactly("alice: bought=buy1 registered=reg1");
    assertThat(engine.matchObjects.get(0).endTime()).isEqualTo(seconds(10));
    assertThat(engine.allStatesEmptyAtEnd()).isTrue();
  }

  @Test
  void shouldCheckAnAbsenceBeforeTheGroupUntilItsFirstMember() throws Exception {
    EngineDriver engine = driver("""
        id: bought-kept-and-set-up
        steps:
          - name: bought
            when: event.type == "purchase"
          - name: returned
            when: event.type == "return"
            absent: true
          - anyOrder:
              - name: activated
                when: event.type == "activation"
              - name: registered
                when: event.type == "registration"
        within: 10s
        """);
    engine.event(event("buy1", seconds(0), "purchase"));
    engine.event(event("ret1", seconds(1), "return"));
    engine.event(event("act1", seconds(2), "activation"));
    engine.event(event("reg1", seconds(3), "registration"));
    engine.event(event("buy2", seconds(20), "purchase"));
    engine.event(event("act2", seconds(21), "activation"));
    // After the group's first member the absence is no longer checked.
    engine.event(event("ret2", seconds(22), "return"));
    engine.event(event("reg2", seconds(23), "registration"));
    engine.watermark(seconds(60));

    assertThat(engine.matches).containsExactly(
        "alice: bought=buy2 activated=act2 registered=reg2");
  }

  /**
   * With {@code contiguity: any} and {@code no-skip} a group tries every assignment of events to
   * members; so does Flink CEP, over one {@code followedByAny} pattern per order of the members.
   */
  @Test
  void shouldMatchWhatFlinkCepMatchesOverEveryOrderOfTheMembers() throws Exception {
    List<String> members = List.of("a", "b", "c");
    Duration within = Duration.ofSeconds(6);
    for (int atLeast = 1; atLeast <= members.size(); atLeast++) {
      AnyOrder group = new AnyOrder("abc", 0, members.size(), atLeast);
      List<StepDefinition> steps = new ArrayList<>();
      for (String member : members) {
        steps.add(new StepDefinition(member, "event.type == \"" + member + "\"", Times.ONCE,
            false, Contiguity.ANY, null, 1, group));
      }
      CompiledPattern grouped = CompiledPattern.compile(new PatternDefinition(
          "abc", "", steps, within, AfterMatch.NO_SKIP, "p.yaml"));
      List<CompiledPattern> orders = new ArrayList<>();
      for (List<String> order : orderedSubsets(members, atLeast)) {
        List<StepDefinition> sequence = new ArrayList<>();
        for (String member : order) {
          sequence.add(new StepDefinition(member, "event.type == \"" + member + "\"",
              Times.ONCE, false, Contiguity.ANY, 1));
        }
        orders.add(CompiledPattern.compile(new PatternDefinition(
            String.join("", order), "", sequence, within, AfterMatch.NO_SKIP, "p.yaml")));
      }
      for (long seed = 1; seed <= 20; seed++) {
        List<JourneyEvent> events = randomJourney(new Random(seed * 31 + atLeast));
        EngineDriver engine =
            new EngineDriver(new JourneyMatcher(grouped.definition(), 100_000), grouped);
        List<String> expected = new ArrayList<>();
        for (CompiledPattern order : orders) {
          try (CepReference cep = new CepReference(order)) {
            for (JourneyEvent event : events) {
              cep.event(event);
            }
            cep.watermark(Long.MAX_VALUE - 1);
            cep.matches().forEach(match -> expected.add(normalized(match)));
          }
        }
        for (JourneyEvent event : events) {
          engine.event(event);
        }
        engine.watermark(Long.MAX_VALUE - 1);

        assertThat(engine.dropped).isZero();
        assertThat(engine.matches.stream().map(AnyOrderGroupTest::normalized).sorted())
            .as("atLeast %d, seed %d", atLeast, seed)
            .containsExactlyElementsOf(expected.stream().sorted().toList());
        assertThat(engine.allStatesEmptyAtEnd()).isTrue();
      }
    }
  }

  /** Twelve events of types a, b, c and x, some at the same instant. */
  private static List<JourneyEvent> randomJourney(Random random) {
    List<JourneyEvent> events = new ArrayList<>();
    long time = seconds(0);
    String[] types = {"a", "b", "c", "x"};
    for (int i = 0; i < 12; i++) {
      time += 1000L * random.nextInt(3);
      events.add(event(String.format("e%02d", i), time, types[random.nextInt(types.length)]));
    }
    return events;
  }

  private static List<List<String>> orderedSubsets(List<String> members, int size) {
    List<List<String>> result = new ArrayList<>();
    if (size == 0) {
      result.add(List.of());
      return result;
    }
    for (String first : members) {
      List<String> rest = new ArrayList<>(members);
      rest.remove(first);
      for (List<String> tail : orderedSubsets(rest, size - 1)) {
        List<String> order = new ArrayList<>();
        order.add(first);
        order.addAll(tail);
        result.add(order);
      }
    }
    return result;
  }

  /** A described match with its steps in name order, whatever order the pattern had them in. */
  private static String normalized(String match) {
    String[] parts = match.split(" ");
    String[] steps = Arrays.copyOfRange(parts, 1, parts.length);
    Arrays.sort(steps);
    return parts[0] + " " + String.join(" ", steps);
  }
}
