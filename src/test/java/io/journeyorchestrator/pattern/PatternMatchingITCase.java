package io.journeyorchestrator.pattern;

import static io.journeyorchestrator.testing.Events.event;
import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import io.journeyorchestrator.testing.MiniClusters;
import io.journeyorchestrator.testing.ReplayRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analyst patterns produce exactly the expected matches through the production graph on a
 * MiniCluster: bounded input, event time, events out of order. Runs on the journey engine; {@link
 * PatternMatchingOnFlinkCepITCase} runs the same cases on Flink CEP.
 */
class PatternMatchingITCase {
  /** The engine the cases run on, as job.yaml names it. */
  String engine() {
    return "journey";
  }

  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CALLS_AFTER_FAILED_PAYMENT = JobFolder.PATTERN;

  @TempDir Path dir;

  record Match(String patternId, String customerId, List<String> eventIds, long start, long end) {}

  private List<Match> matches(List<String> lines, String... patterns) throws Exception {
    return matchesOf(replay(lines, patterns));
  }

  private ReplayJob.Result replay(List<String> lines, String... patterns) throws Exception {
    Path jobDir = Files.createDirectories(dir.resolve("job"));
    JobFolder folder = JobFolder.in(jobDir).engine(engine());
    for (int i = 0; i < patterns.length; i++) {
      folder.pattern("p" + i, patterns[i]);
    }
    return ReplayRunner.replay(jobDir, dir, lines);
  }

  private static List<Match> matchesOf(ReplayJob.Result result) throws Exception {
    List<Match> matches = new ArrayList<>();
    for (String line : ReplayRunner.json(result, OutputLines.MATCHES)) {
      JsonNode node = JSON.readTree(line);
      List<String> ids = new ArrayList<>();
      node.get("eventIds").forEach(id -> ids.add(id.asText()));
      matches.add(new Match(node.get("patternId").asText(), node.get("customerId").asText(), ids,
          node.get("startTime").asLong(), node.get("endTime").asLong()));
    }
    return matches;
  }

  private static String twoStep(String secondContiguity) {
    return """
        id: a-then-b
        steps:
          - name: a
            when: event.type == "a"
          - name: b
            when: event.type == "b"
            contiguity: %s
        within: 1h
        afterMatch: no-skip
        """.formatted(secondContiguity);
  }

  @Test
  void shouldMatchCallsAfterFailedPaymentAmongIrrelevantEvents() throws Exception {
    List<Match> matches = matches(List.of(
        event("e1", "alice", minutes(0), "payment.failed", "PAYMENT"),
        event("e2", "alice", minutes(5), "page.view", "WEB"),
        event("e3", "alice", minutes(10), "call.inbound", "CALL_CENTER"),
        event("e4", "bob", minutes(11), "call.inbound", "CALL_CENTER"),
        event("e5", "alice", minutes(12), "call.inbound", "IVR"),
        event("e6", "alice", minutes(20), "call.inbound", "CALL_CENTER")),
        CALLS_AFTER_FAILED_PAYMENT);

    assertThat(matches).containsExactly(new Match("calls-after-failed-payment", "alice",
        List.of("e1", "e3", "e6"), minutes(0).toEpochMilli(), minutes(20).toEpochMilli()));
  }

  @Test
  void shouldMatchEventsThatArriveOutOfOrderWithinTheAllowedLateness() throws Exception {
    // time.maxOutOfOrderness is 30s: each event below is at most 20s older than the newest.
    List<Match> matches = matches(List.of(
        event("c1", "alice", minutes(10), "call.inbound", "CALL_CENTER"),
        event("f", "alice", minutes(10).minusSeconds(20), "payment.failed", "PAYMENT"),
        event("c2", "alice", minutes(11), "call.inbound", "CALL_CENTER")),
        CALLS_AFTER_FAILED_PAYMENT);

    assertThat(matches).extracting(Match::eventIds).containsExactly(List.of("f", "c1", "c2"));
  }

  @Test
  void shouldSendEventsBeyondTheAllowedLatenessToLateEventsAndNotMatchThem() throws Exception {
    ReplayJob.Result result = replay(List.of(
        event("c1", "alice", minutes(10), "call.inbound", "CALL_CENTER"),
        event("c2", "alice", minutes(11), "call.inbound", "CALL_CENTER"),
        event("f", "alice", minutes(9), "payment.failed", "PAYMENT")),
        CALLS_AFTER_FAILED_PAYMENT);

    assertThat(matchesOf(result)).isEmpty();
    assertThat(ReplayRunner.json(result, OutputLines.LATE_EVENTS)).singleElement()
        .asString().contains("\"eventId\":\"f\"")
        .contains("\"reason\":\"behind-newest-event\"").contains("\"behindMillis\":")
        .containsPattern("\"source\":\"events-[0-9]+\\.jsonl:3\"");
  }

  @Test
  void shouldExpireAPartialMatchAfterWithin() throws Exception {
    List<Match> matches = matches(List.of(
        event("f", "alice", minutes(0), "payment.failed", "PAYMENT"),
        event("c1", "alice", minutes(100), "call.inbound", "CALL_CENTER"),
        event("c2", "alice", minutes(181), "call.inbound", "CALL_CENTER")),
        CALLS_AFTER_FAILED_PAYMENT);

    assertThat(matches).isEmpty();
  }

  @Test
  void shouldAllowOtherEventsBetweenUnderRelaxedContiguity() throws Exception {
    List<Match> matches = matches(List.of(
        event("a1", "alice", minutes(0), "a", "WEB"),
        event("x1", "alice", minutes(1), "x", "WEB"),
        event("b1", "alice", minutes(2), "b", "WEB")),
        twoStep("relaxed"));

    assertThat(matches).extracting(Match::eventIds).containsExactly(List.of("a1", "b1"));
  }

  @Test
  void shouldRequireTheVeryNextEventUnderStrictContiguity() throws Exception {
    List<Match> matches = matches(List.of(
        event("a1", "alice", minutes(0), "a", "WEB"),
        event("x1", "alice", minutes(1), "x", "WEB"),
        event("b1", "alice", minutes(2), "b", "WEB"),
        event("a2", "alice", minutes(3), "a", "WEB"),
        event("other", "bob", minutes(4), "x", "WEB"),
        event("b2", "alice", minutes(5), "b", "WEB")),
        twoStep("strict"));

    // bob's event does not break alice's strict sequence: contiguity is per customer.
    assertThat(matches).extracting(Match::eventIds).containsExactly(List.of("a2", "b2"));
  }

  @Test
  void shouldMatchEveryCombinationUnderAnyContiguity() throws Exception {
    List<Match> matches = matches(List.of(
        event("a1", "alice", minutes(0), "a", "WEB"),
        event("b1", "alice", minutes(1), "b", "WEB"),
        event("b2", "alice", minutes(2), "b", "WEB")),
        twoStep("any"));

    assertThat(matches).extracting(Match::eventIds)
        .containsExactlyInAnyOrder(List.of("a1", "b1"), List.of("a1", "b2"));
  }

  private static String calls(String times) {
    return """
        id: calls
        steps:
          - name: calls
            when: event.type == "call.inbound"
            times: "%s"
        within: 1h
        """.formatted(times);
  }

  private static List<String> callsAtMinutes(int count) {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      lines.add(event("c" + i, "alice", minutes(i), "call.inbound", "CALL_CENTER"));
    }
    return lines;
  }

  @Test
  void shouldMatchExactlyNTimes() throws Exception {
    assertThat(matches(callsAtMinutes(7), calls("3"))).extracting(Match::eventIds)
        .containsExactly(List.of("c1", "c2", "c3"), List.of("c4", "c5", "c6"));
  }

  @Test
  void shouldMatchAtLeastNTimes() throws Exception {
    assertThat(matches(callsAtMinutes(5), calls("2+"))).extracting(Match::eventIds)
        .containsExactly(List.of("c1", "c2"), List.of("c3", "c4"));
  }

  @Test
  void shouldMatchARangeOfTimes() throws Exception {
    assertThat(matches(callsAtMinutes(1), calls("2..3"))).isEmpty();
    assertThat(matches(callsAtMinutes(2), calls("2..3"))).extracting(Match::eventIds)
        .containsExactly(List.of("c1", "c2"));
  }

  @Test
  void shouldNotOverlapMatchesWithSkipPastLastEventButOverlapWithNoSkip() throws Exception {
    String skip = calls("3");
    String noSkip = skip.replace("id: calls", "id: calls-no-skip") + "afterMatch: no-skip\n";

    List<Match> matches = matches(callsAtMinutes(5), skip, noSkip);

    assertThat(matches).filteredOn(m -> m.patternId().equals("calls")).extracting(Match::eventIds)
        .containsExactly(List.of("c1", "c2", "c3"));
    assertThat(matches).filteredOn(m -> m.patternId().equals("calls-no-skip"))
        .extracting(Match::eventIds).containsExactly(
            List.of("c1", "c2", "c3"), List.of("c2", "c3", "c4"), List.of("c3", "c4", "c5"));
  }

  private static final String NO_CANCEL_BETWEEN = """
      id: order-shipped-without-cancel
      steps:
        - name: ordered
          when: event.type == "order.completed"
        - name: cancelled
          when: event.type == "order.cancelled"
          absent: true
        - name: shipped
          when: event.type == "order.shipped"
      within: 1d
      """;

  @Test
  void shouldMatchAnAbsentMiddleStepOnlyWhenNothingMatchingCameBetween() throws Exception {
    List<Match> matches = matches(List.of(
        event("o1", "alice", minutes(0), "order.completed", "WEB"),
        event("s1", "alice", minutes(10), "order.shipped", "OTHER"),
        event("o2", "bob", minutes(0), "order.completed", "WEB"),
        event("x2", "bob", minutes(5), "order.cancelled", "WEB"),
        event("s2", "bob", minutes(10), "order.shipped", "OTHER")),
        NO_CANCEL_BETWEEN);

    assertThat(matches).extracting(Match::customerId, Match::eventIds)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", List.of("o1", "s1")));
  }

  private static final String NOT_ACTIVATED = """
      id: device-not-activated
      steps:
        - name: purchase
          when: event.type == "order.completed"
        - name: activation
          when: event.type == "device.activated"
          absent: true
      within: 7d
      """;

  @Test
  void shouldFireAnAbsentLastStepAtTheDeadline() throws Exception {
    List<Match> matches = matches(List.of(
        event("p1", "alice", minutes(0), "order.completed", "STORE"),
        event("p2", "bob", minutes(0), "order.completed", "STORE"),
        event("a2", "bob", minutes(60), "device.activated", "APP"),
        // Time only moves with events: someone's event 8 days later moves it past the deadline.
        event("later", "carol", minutes(8 * 24 * 60), "page.view", "WEB")),
        NOT_ACTIVATED);

    assertThat(matches).containsExactly(new Match("device-not-activated", "alice",
        List.of("p1"), minutes(0).toEpochMilli(), minutes(0).plus(Duration.ofDays(7))
            .toEpochMilli()));
  }

  @Test
  void shouldNotFireAnAbsentLastStepBeforeTimeReachesTheDeadline() throws Exception {
    List<Match> matches = matches(List.of(
        event("p1", "alice", minutes(0), "order.completed", "STORE"),
        event("later", "carol", minutes(6 * 24 * 60), "page.view", "WEB")),
        NOT_ACTIVATED);

    assertThat(matches).isEmpty();
  }

  @Test
  void shouldTreatAFailingConditionAsFalseAndKeepRunning() throws Exception {
    String bigPayment = """
        id: big-payment
        steps:
          - name: paid
            when: event.type == "payment.succeeded" && event.attributes.amount > 100
        """;
    List<Match> matches = matches(List.of(
        event("no-amount", "alice", minutes(0), "payment.succeeded", "PAYMENT"),
        event("small", "alice", minutes(1), "payment.succeeded", "PAYMENT",
            Map.of("amount", 20)),
        event("big", "alice", minutes(2), "payment.succeeded", "PAYMENT",
            Map.of("amount", 250.5))),
        bigPayment);

    assertThat(matches).containsExactly(new Match("big-payment", "alice", List.of("big"),
        minutes(2).toEpochMilli(), minutes(2).toEpochMilli()));
  }

  @Test
  void shouldProduceTheSameMatchIdsOnEveryRun() throws Exception {
    List<String> lines = callsAtMinutes(6);
    List<String> first = ReplayRunner.json(replay(lines, calls("3")), OutputLines.MATCHES);
    List<String> second = ReplayRunner.json(replay(lines, calls("3")), OutputLines.MATCHES);
    assertThat(first).hasSize(2).isEqualTo(second);
  }
}
