package io.journeyorchestrator.job;

import static io.journeyorchestrator.testing.Events.event;
import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.EventCatalogCheck;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.testing.MiniClusters;
import io.journeyorchestrator.testing.ReplayRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole graph on a MiniCluster through replay: profiles feed enterWhen, audiences expire by
 * timers, suppressions follow overlapping audiences, bad lines become dead letters, condition
 * errors and dropped duplicates are reported, and time stops at the newest event or at --until.
 */
class JourneyReplayITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path job;

  @BeforeEach
  void writeJob() {
    job = JobFolder.in(dir.resolve("job"))
        .pattern("failed", """
            id: payment-failed
            steps:
              - name: failed
                when: event.type == "payment.failed"
            """)
        .pattern("paid", """
            id: payment-succeeded
            steps:
              - name: paid
                when: event.type == "payment.succeeded"
            """)
        .pattern("opened", """
            id: case-opened
            steps:
              - name: opened
                when: event.type == "support.case.opened"
            """)
        .pattern("resolved", """
            id: case-resolved
            steps:
              - name: resolved
                when: event.type == "support.case.resolved"
            """)
        .pattern("not-activated", """
            id: not-activated
            steps:
              - name: bought
                when: event.type == "order.completed"
              - name: activated
                when: event.type == "device.activated"
                absent: true
            within: 1d
            """)
        .audience("trouble", """
            id: payment-trouble
            enter: [payment-failed]
            enterWhen: profile.tier == "gold"
            exit: [payment-succeeded]
            expireAfter: 2h
            """)
        .audience("support", """
            id: open-support-case
            enter: [case-opened]
            exit: [case-resolved]
            """)
        .pattern("activated", """
            id: activated
            steps:
              - name: activated
                when: event.type == "device.activated"
            """)
        .pattern("visit", """
            id: store-visit
            steps:
              - name: visit
                when: event.type == "store.visit"
            """)
        .pattern("bought", """
            id: bought
            steps:
              - name: bought
                when: event.type == "order.completed"
            """)
        .audience("activation", """
            id: activation-help
            enter: [not-activated]
            exit: [activated]
            """)
        .audience("shoppers", """
            id: shoppers
            enter: [store-visit]
            exit: [bought]
            cooldown: 1h
            """)
        .suppression("quiet", """
            id: no-marketing
            while: [open-support-case, payment-trouble]
            channels: [EMAIL]
            categories: [marketing]
            """)
        .path();
  }

  private static List<String> describe(List<String> jsonLines, String... fields) throws Exception {
    List<String> described = new ArrayList<>();
    for (String line : jsonLines) {
      JsonNode node = JSON.readTree(line);
      List<String> parts = new ArrayList<>();
      for (String field : fields) {
        JsonNode value = node.get(field);
        if (field.endsWith("Time") || field.equals("until") || field.equals("expiresAt")) {
          parts.add(value.isNull() ? "-" : "@" + Duration.between(minutes(0),
              Instant.ofEpochMilli(value.asLong())).toMinutes());
        } else {
          parts.add(value.isTextual() ? value.asText() : value.toString());
        }
      }
      described.add(String.join(" ", parts));
    }
    return described;
  }

  @Test
  void shouldEnterOnlyCustomersWhoseProfileWasSetEarlier() throws Exception {
    var result = ReplayRunner.replay(job, dir, List.of(
        event("p1", "alice", minutes(0), "profile.updated", "OTHER", Map.of("tier", "gold")),
        event("f1", "alice", minutes(10), "payment.failed", "PAYMENT"),
        event("f2", "bob", minutes(10), "payment.failed", "PAYMENT"),
        // carol becomes gold only after her failed payment: the profile as of the event counts.
        event("f3", "carol", minutes(10), "payment.failed", "PAYMENT"),
        event("p3", "carol", minutes(11), "profile.updated", "OTHER", Map.of("tier", "gold")),
        event("x", "dave", minutes(20), "page.view", "WEB")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES),
        "customerId", "audienceId", "change", "reason", "eventTime", "expiresAt"))
        .containsExactly("alice payment-trouble ENTERED pattern:payment-failed @10 @130");
  }

  @Test
  void shouldExpireAndSuppressWithOverlappingAudiences() throws Exception {
    var result = ReplayRunner.replay(job, dir, List.of(
        event("p1", "alice", minutes(0), "profile.updated", "OTHER", Map.of("tier", "gold")),
        event("o1", "alice", minutes(5), "support.case.opened", "CHAT"),
        event("f1", "alice", minutes(10), "payment.failed", "PAYMENT"),
        event("r1", "alice", minutes(20), "support.case.resolved", "CHAT"),
        event("x", "bob", minutes(300), "page.view", "WEB")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES),
        "audienceId", "change", "reason", "eventTime")).containsExactly(
        "open-support-case ENTERED pattern:case-opened @5",
        "payment-trouble ENTERED pattern:payment-failed @10",
        "open-support-case EXITED pattern:case-resolved @20",
        "payment-trouble EXITED expired @130");
    assertThat(describe(ReplayRunner.json(result, OutputLines.SUPPRESSIONS),
        "policyId", "action", "audiences", "eventTime", "until")).containsExactly(
        "no-marketing SUPPRESS [\"open-support-case\"] @5 -",
        "no-marketing SUPPRESS [\"payment-trouble\"] @20 @130",
        "no-marketing RELEASE [] @130 -");
  }

  @Test
  void shouldForgetAnErasedCustomerAndReleaseHerSuppressions() throws Exception {
    var result = ReplayRunner.replay(job, dir, List.of(
        event("p1", "alice", minutes(0), "profile.updated", "OTHER", Map.of("tier", "gold")),
        event("o1", "alice", minutes(5), "support.case.opened", "CHAT"),
        event("f1", "alice", minutes(10), "payment.failed", "PAYMENT"),
        // Starts a not-activated match that would complete a day later, after the erasure.
        event("b1", "alice", minutes(15), "order.completed", "STORE"),
        event("erase", "alice", minutes(20), "customer.erased", "OTHER"),
        // The gold tier was erased with the profile: no payment-trouble entry.
        event("f2", "alice", minutes(30), "payment.failed", "PAYMENT"),
        event("o2", "alice", minutes(40), "support.case.opened", "CHAT"),
        event("x", "bob", minutes(3000), "page.view", "WEB")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES),
        "audienceId", "change", "reason", "eventTime", "eventIds")).containsExactlyInAnyOrder(
        "open-support-case ENTERED pattern:case-opened @5 [\"o1\"]",
        "payment-trouble ENTERED pattern:payment-failed @10 [\"f1\"]",
        "open-support-case EXITED erased @20 [\"erase\"]",
        "payment-trouble EXITED erased @20 [\"erase\"]",
        "open-support-case ENTERED pattern:case-opened @40 [\"o2\"]");
    assertThat(describe(ReplayRunner.json(result, OutputLines.SUPPRESSIONS),
        "action", "audiences", "eventTime", "until")).containsExactly(
        "SUPPRESS [\"open-support-case\"] @5 -",
        "RELEASE [] @20 -",
        "SUPPRESS [\"open-support-case\"] @40 -");
    // The not-activated match starting at the erased purchase completes a day later: withheld.
    assertThat(describe(ReplayRunner.json(result, OutputLines.MATCHES), "patternId", "endTime"))
        .containsExactly("case-opened @5", "payment-failed @10", "bought @15",
            "payment-failed @30", "case-opened @40");
  }

  @Test
  void shouldExtendAMembershipAndExpireAfterTheLatestEntry() throws Exception {
    var result = ReplayRunner.replay(job, dir, List.of(
        event("p1", "alice", minutes(0), "profile.updated", "OTHER", Map.of("tier", "gold")),
        event("f1", "alice", minutes(10), "payment.failed", "PAYMENT"),
        event("f2", "alice", minutes(70), "payment.failed", "PAYMENT"),
        event("x", "bob", minutes(600), "page.view", "WEB")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES),
        "change", "extended", "reason", "eventTime", "expiresAt")).containsExactly(
        "ENTERED false pattern:payment-failed @10 @130",
        "ENTERED true pattern:payment-failed @70 @190",
        "EXITED false expired @190 -");
    assertThat(describe(ReplayRunner.json(result, OutputLines.SUPPRESSIONS),
        "action", "eventTime", "until")).containsExactly(
        "SUPPRESS @10 @130", "SUPPRESS @70 @190", "RELEASE @190 -");
  }

  @Test
  void shouldIgnoreEntriesDuringCooldownAndApplyExitsBeforeEntriesAtTheSameInstant()
      throws Exception {
    var result = ReplayRunner.replay(job, dir, List.of(
        event("v1", "alice", minutes(0), "store.visit", "STORE"),
        // Same instant: the purchase exits before the visit enters again, then cooldown holds.
        event("v2", "alice", minutes(10), "store.visit", "STORE"),
        event("b1", "alice", minutes(10), "order.completed", "STORE"),
        event("v3", "alice", minutes(30), "store.visit", "STORE"),
        event("v4", "alice", minutes(71), "store.visit", "STORE")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES),
        "audienceId", "change", "reason", "eventTime")).containsExactly(
        "shoppers ENTERED pattern:store-visit @0",
        "shoppers EXITED pattern:bought @10",
        "shoppers ENTERED pattern:store-visit @71");
  }

  @Test
  void shouldApplyMatchesOfDifferentPatternsInEventTimeOrder() throws Exception {
    // The absence match (deadline at 1 day) and the activation an hour later reach the audience
    // operator in one watermark step from two operators, in no fixed order.
    var result = ReplayRunner.replay(job, dir, List.of(
        event("b1", "alice", minutes(0), "order.completed", "STORE"),
        event("a1", "alice", minutes(25 * 60), "device.activated", "APP"),
        event("x", "bob", minutes(48 * 60), "page.view", "WEB")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES),
        "audienceId", "change", "reason", "eventTime")).containsExactly(
        "activation-help ENTERED pattern:not-activated @1440",
        "activation-help EXITED pattern:activated @1500");
  }

  @Test
  void shouldStopTimeAtTheNewestEventOrAtUntil() throws Exception {
    List<String> lines = List.of(
        event("b1", "alice", minutes(0), "order.completed", "STORE"),
        event("x", "bob", minutes(25 * 60), "page.view", "WEB"));

    var toNewest = ReplayRunner.replay(job, dir, lines);
    assertThat(describe(ReplayRunner.json(toNewest, OutputLines.MATCHES), "patternId",
        "endTime")).containsExactly("bought @0", "not-activated @1440");
    assertThat(ReplayRunner.json(toNewest, OutputLines.AUDIENCE_CHANGES)).hasSize(1);

    var toUntil = ReplayRunner.replay(job, dir, lines, Optional.of(minutes(23 * 60)));
    assertThat(describe(ReplayRunner.json(toUntil, OutputLines.MATCHES), "patternId",
        "endTime")).containsExactly("bought @0");
    assertThat(ReplayRunner.json(toUntil, OutputLines.AUDIENCE_CHANGES)).isEmpty();
    assertThat(toUntil.of(OutputLines.AFTER_END)).hasSize(1);
  }

  @Test
  void shouldTurnEveryKindOfMalformedLineIntoADeadLetterAndRunTheRest() throws Exception {
    var result = ReplayRunner.replay(job, dir, List.of(
        "{not json",
        "[1, 2]",
        "{\"eventId\":\"e1\",\"timestamp\":1,\"type\":\"a\"}",
        "{\"customerId\":\"c\",\"timestamp\":1,\"type\":\"a\"}",
        "{\"eventId\":\"e3\",\"customerId\":\"c\",\"type\":\"a\"}",
        "{\"eventId\":\"e4\",\"customerId\":\"c\",\"timestamp\":\"yesterday\",\"type\":\"a\"}",
        "{\"eventId\":5,\"customerId\":\"c\",\"timestamp\":1,\"type\":\"a\"}",
        "{\"eventId\":\"e6\",\"customerId\":\"c\",\"timestamp\":1,\"type\":\"a\","
            + "\"attributes\":{\"nested\":{\"x\":1}}}",
        "",
        event("o1", "alice", minutes(5), "support.case.opened", "CHAT")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.DEAD_LETTERS), "source", "error"))
        .hasSize(8)
        .satisfiesExactly(
            l -> assertThat(l).startsWith("events-").contains(".jsonl:1 not valid JSON"),
            l -> assertThat(l).contains(":2 expected a JSON object"),
            l -> assertThat(l).contains(":3 missing customerId"),
            l -> assertThat(l).contains(":4 missing eventId"),
            l -> assertThat(l).contains(":5 missing timestamp"),
            l -> assertThat(l).contains(":6 timestamp 'yesterday' is neither epoch milliseconds"),
            l -> assertThat(l).contains(":7 eventId must be a string"),
            l -> assertThat(l).contains(":8 attribute 'nested' must be a string, number"));
    assertThat(describe(ReplayRunner.json(result, OutputLines.DEAD_LETTERS), "payload").get(0))
        .isEqualTo("{not json");
    assertThat(ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES)).hasSize(1);
  }

  @Test
  void shouldReportConditionErrorsWithTheirEarliestEventAndDroppedDuplicates() throws Exception {
    Path errorsJob = JobFolder.in(dir.resolve("errors-job"))
        .pattern("big", """
            id: big-payment
            steps:
              - name: big
                when: event.type == "payment.failed" && event.attributes.amount > 100
            """)
        .pattern("calls", """
            id: long-calls
            steps:
              - name: failed
                when: event.type == "payment.failed"
              - name: calls
                when: event.type == "call.inbound" && event.attributes.minutes > 10
                times: 2
            within: 1h
            """)
        .audience("gold", """
            id: gold-big-payers
            enter: [big-payment]
            enterWhen: profile.tier == "gold"
            """)
        .path();
    List<String> lines = new ArrayList<>();
    // Several customers, so that the errors are spread over both subtasks; dave comes first in
    // the file, alice's events are the earliest.
    List<String> customers = List.of("dave", "carol", "bob", "alice");
    for (String customer : customers) {
      lines.add(event(customer + "-f", customer, minutes(10).plusSeconds(
          customer.equals("alice") ? 0 : 1), "payment.failed", "PAYMENT"));
    }
    for (String call : List.of("c1", "c2")) {
      for (String customer : customers) {
        lines.add(event(customer + "-" + call, customer, minutes(call.equals("c1") ? 20 : 30),
            "call.inbound", "CALL_CENTER"));
      }
    }
    // bob's amount passes the condition; he has no tier, so enterWhen fails.
    lines.add(event("bob-big", "bob", minutes(40), "payment.failed", "PAYMENT",
        Map.of("amount", 200)));
    lines.add(event("bob-big", "bob", minutes(40), "payment.failed", "PAYMENT",
        Map.of("amount", 200)));
    lines.add(event("carol-f2", "carol", minutes(41), "payment.failed", "PAYMENT"));

    var result = ReplayRunner.replay(errorsJob, dir, lines);

    assertThat(result.conditionErrors()).containsOnly(
        Map.entry("big-payment/big", new ErrorTally.Entry(5, new ErrorTally.Sample(
            "big-payment/big", minutes(10).toEpochMilli(), "alice-f",
            "evaluation error at <input>:50: key 'amount' is not present in map."))),
        // Each call is one error of its step, whether or not a partial match waited for it.
        Map.entry("long-calls/calls", new ErrorTally.Entry(8, new ErrorTally.Sample(
            "long-calls/calls", minutes(20).toEpochMilli(), "alice-c1",
            "evaluation error at <input>:48: key 'minutes' is not present in map."))));
    assertThat(result.enterWhenErrors()).containsOnly(
        Map.entry("gold-big-payers", new ErrorTally.Entry(1, new ErrorTally.Sample(
            "gold-big-payers", minutes(40).toEpochMilli(), "bob-big",
            "evaluation error at <input>:7: key 'tier' is not present in map."))));
    assertThat(result.duplicatesDropped()).isEqualTo(1);
    assertThat(ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES)).isEmpty();
  }

  @Test
  void shouldProduceIdenticalOutputsOnEveryRun() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String customer = "c" + (i % 7);
      lines.add(event("p" + i, customer, minutes(i), "profile.updated", "OTHER",
          Map.of("tier", i % 2 == 0 ? "gold" : "silver")));
      lines.add(event("f" + i, customer, minutes(i).plusSeconds(10), "payment.failed", "PAYMENT"));
      lines.add(event("o" + i, customer, minutes(i).plusSeconds(20),
          i % 3 == 0 ? "support.case.opened" : "support.case.resolved", "CHAT"));
    }
    var first = ReplayRunner.replay(job, dir, lines);
    var second = ReplayRunner.replay(job, dir, lines);
    for (String kind : List.of(OutputLines.MATCHES, OutputLines.AUDIENCE_CHANGES,
        OutputLines.SUPPRESSIONS)) {
      assertThat(ReplayRunner.json(first, kind)).as(kind).isNotEmpty()
          .isEqualTo(ReplayRunner.json(second, kind));
    }
  }

  @Test
  void shouldCheckEveryParsedEventAgainstTheCatalogInFileOrder() throws Exception {
    List<String> lines = List.of(
        "{\"eventId\":\"e1\",\"customerId\":\"c1\",\"timestamp\":1000,\"type\":\"call.inbound\","
            + "\"channel\":\"CALL_CENTER\",\"attributes\":{\"reason\":\"billing\"}}",
        "{not an event",
        "{\"eventId\":\"e2\",\"customerId\":\"c1\",\"timestamp\":2000,\"type\":\"call.inbund\","
            + "\"channel\":\"CALL_CENTER\"}",
        "{\"eventId\":\"e3\",\"customerId\":\"c2\",\"timestamp\":9000000,\"type\":\"call.inbund\","
            + "\"channel\":\"CALL_CENTER\"}");

    ReplayJob.Result demo = ReplayRunner.replay(Path.of("jobs/telecom-demo"), dir, lines,
        Optional.of(Instant.ofEpochMilli(5000)));

    // The event after --until is checked too; the malformed line is a dead letter only.
    assertThat(demo.catalogCheck()).get()
        .extracting(check -> check.tallies().get(EventCatalogCheck.Finding.UNKNOWN_TYPE))
        .isEqualTo(new EventCatalogCheck.Tally(2, 3, "type \"call.inbund\""));
    assertThat(demo.of(OutputLines.DEAD_LETTERS)).hasSize(1);
    assertThat(ReplayRunner.replay(job, dir, lines).catalogCheck()).isEmpty();
  }
}
