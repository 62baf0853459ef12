package io.journeyorchestrator.job;

import static io.journeyorchestrator.testing.Events.event;
import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.decisions.HoldoutGroup;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.testing.MiniClusters;
import io.journeyorchestrator.testing.ReplayRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Next best actions through the whole graph on a MiniCluster (replay): ranked by priority and
 * profile, held back by suppressions, caps and the holdout group, freed by a cap's window
 * passing, scheduled after quiet hours, and written only when the answer changes.
 */
class DecisionsReplayITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SALT = "decisions-test";
  private static final double HOLDOUT_PERCENT = 20;

  @TempDir Path dir;
  private Path job;

  @BeforeEach
  void writeJob() {
    job = JobFolder.in(dir.resolve("job"))
        .file("job.yaml", JobFolder.JOB_YAML_WITH_DECISIONS + """
            decisions:
              caps:
                categories:
                  marketing: {max: 1, per: 1h}
              quietHours: {from: "21:00", to: "08:00", defaultTimeZone: Europe/Berlin}
              holdout: {percent: 20%, salt: decisions-test}
            """)
        .pattern("viewed", """
            id: phone-viewed
            steps:
              - name: viewed
                when: event.type == "phone.viewed"
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
        .audience("shoppers", """
            id: shoppers
            enter: [phone-viewed]
            expireAfter: 2d
            """)
        .audience("support", """
            id: open-support-case
            enter: [case-opened]
            exit: [case-resolved]
            """)
        .suppression("quiet", """
            id: no-marketing
            while: [open-support-case]
            channels: [EMAIL]
            categories: [marketing]
            """)
        .file("actions/offer.yaml", """
            id: offer-email
            channel: EMAIL
            category: marketing
            eligibleWhile: [shoppers]
            priority: 50
            """)
        .file("actions/gold.yaml", """
            id: gold-email
            channel: EMAIL
            category: marketing
            eligibleWhile: [shoppers]
            eligibleWhen: has(profile.tier) && profile.tier == "gold"
            priority: 80
            """)
        .file("actions/retention.yaml", """
            id: retention-email
            channel: EMAIL
            category: marketing
            eligibleWhile: [shoppers]
            priority: 'has(profile.churnRisk) ? profile.churnRisk * 100.0 : 0.0'
            """)
        .file("actions/help.yaml", """
            id: help-call
            channel: CALL_CENTER
            category: care
            eligibleWhile: [open-support-case]
            priority: 100
            """)
        .path();
  }

  /** The n-th (from 0) of c-1, c-2, ... in (or out of) the holdout group. */
  private static String customer(boolean heldOut, int n) {
    HoldoutGroup group = new HoldoutGroup(SALT);
    return IntStream.rangeClosed(1, 1000).mapToObj(i -> "c-" + i)
        .filter(id -> group.holdsOut(id, HOLDOUT_PERCENT) == heldOut).skip(n).findFirst()
        .orElseThrow();
  }

  private static String customer(boolean heldOut) {
    return customer(heldOut, 0);
  }

  private static String at(JsonNode millis) {
    return millis.isNull() ? "-" : at(Instant.ofEpochMilli(millis.asLong()));
  }

  private static String at(Instant instant) {
    return "@" + Duration.between(minutes(0), instant).toMinutes();
  }

  /** "customer @minute CHANNEL=action ... [blocked action reason(@frees) ...] holdout? after@". */
  private static List<String> describe(List<String> lines, String customer) throws Exception {
    List<String> described = new ArrayList<>();
    for (String line : lines) {
      JsonNode node = JSON.readTree(line);
      if (!node.get("customerId").asText().equals(customer)) {
        continue;
      }
      List<String> parts = new ArrayList<>(List.of(at(node.get("eventTime"))));
      List<String> blocked = new ArrayList<>();
      for (JsonNode channel : node.get("channels")) {
        JsonNode action = channel.get("actionId");
        parts.add(channel.get("channel").asText() + "=" + (action.isNull() ? "-" : action.asText()));
        for (JsonNode b : channel.get("blocked")) {
          blocked.add(b.get("actionId").asText() + " " + b.get("reason").asText()
              + (b.get("freesAt").isNull() ? "" : " until " + at(b.get("freesAt"))));
        }
      }
      if (!blocked.isEmpty()) {
        parts.add("blocked[" + String.join(", ", blocked) + "]");
      }
      if (node.get("holdout").asBoolean()) {
        parts.add("holdout");
      }
      parts.add("after " + at(node.get("sendAfter")));
      described.add(String.join(" ", parts));
    }
    return described;
  }

  private static String sent(String eventId, String customer, Instant at, String actionId) {
    return event(eventId, customer, at, "message.sent", "EMAIL",
        Map.of("actionId", actionId, "channel", "EMAIL", "category", "marketing"));
  }

  @Test
  void shouldRankHoldBackAndFreeActionsAsTheJourneyGoesOn() throws Exception {
    String alice = customer(false);
    var result = ReplayRunner.replay(job, dir, List.of(
        event("p1", alice, minutes(0), "profile.updated", "OTHER", Map.of("tier", "gold")),
        event("v1", alice, minutes(10), "phone.viewed", "WEB"),
        event("o1", alice, minutes(20), "support.case.opened", "CHAT"),
        event("r1", alice, minutes(30), "support.case.resolved", "CHAT"),
        // Extends her membership: nothing to re-decide, so nothing is written.
        event("v2", alice, minutes(35), "phone.viewed", "WEB"),
        sent("s1", alice, minutes(40), "gold-email"),
        // The same send delivered twice counts once: the cap frees an hour after the first.
        sent("s1", alice, minutes(41), "gold-email"),
        event("x", "someone-else", minutes(300), "page.view", "WEB")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.DECISIONS), alice)).containsExactly(
        "@10 CALL_CENTER=- EMAIL=gold-email after @10",
        "@20 CALL_CENTER=help-call EMAIL=- blocked[gold-email suppressed:no-marketing,"
            + " offer-email suppressed:no-marketing, retention-email suppressed:no-marketing]"
            + " after @20",
        "@30 CALL_CENTER=- EMAIL=gold-email after @30",
        "@40 CALL_CENTER=- EMAIL=- blocked[gold-email capped:category:marketing until @100,"
            + " offer-email capped:category:marketing until @100,"
            + " retention-email capped:category:marketing until @100] after -",
        "@100 CALL_CENTER=- EMAIL=gold-email after @100");
    // The current state a touchpoint reads says what to do now, from the latest decision.
    JsonNode state = JSON.readTree(result.currentStates().stream()
        .filter(line -> line.getCustomerId().equals(alice)).findFirst().orElseThrow().getJson());
    assertThat(state.path("nextBestAction").path("actions").toString())
        .isEqualTo("[{\"channel\":\"EMAIL\",\"actionId\":\"gold-email\"}]");
    assertThat(at(state.path("nextBestAction").path("decidedAt"))).isEqualTo("@100");
  }

  @Test
  void shouldScheduleAfterQuietHoursAndHoldOutTheControlGroup() throws Exception {
    String bob = customer(false);
    String carol = customer(true);
    // Minute 700 is 20:40 UTC, 21:40 in Berlin: quiet until 08:00 Berlin, 07:00 UTC next day.
    var result = ReplayRunner.replay(job, dir, List.of(
        event("v2", carol, minutes(10), "phone.viewed", "WEB"),
        event("v1", bob, minutes(700), "phone.viewed", "WEB"),
        event("x", "someone-else", minutes(800), "page.view", "WEB")));

    long nextMorning = Duration.between(minutes(0),
        Instant.parse("2026-03-03T07:00:00Z")).toMinutes();
    assertThat(describe(ReplayRunner.json(result, OutputLines.DECISIONS), bob))
        .containsExactly("@700 CALL_CENTER=- EMAIL=offer-email after @" + nextMorning);
    assertThat(describe(ReplayRunner.json(result, OutputLines.DECISIONS), carol))
        .containsExactly("@10 CALL_CENTER=- EMAIL=- blocked[offer-email holdout,"
            + " retention-email holdout] holdout after -");
  }

  @Test
  void shouldRankByAScoreOverTheProfileAndReDecideWhenTheProfileChanges() throws Exception {
    String frank = customer(false);
    var result = ReplayRunner.replay(job, dir, List.of(
        event("p1", frank, minutes(0), "profile.updated", "OTHER", Map.of("churnRisk", 0.9)),
        event("v1", frank, minutes(10), "phone.viewed", "WEB"),
        // Scores 20 now, below offer-email's fixed 50.
        event("p2", frank, minutes(20), "profile.updated", "OTHER", Map.of("churnRisk", 0.2)),
        // Gold: gold-email's 80 tops both.
        event("p3", frank, minutes(30), "profile.updated", "OTHER", Map.of("tier", "gold")),
        event("x", "someone-else", minutes(40), "page.view", "WEB")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.DECISIONS), frank)).containsExactly(
        "@10 CALL_CENTER=- EMAIL=retention-email after @10",
        "@20 CALL_CENTER=- EMAIL=offer-email after @20",
        "@30 CALL_CENTER=- EMAIL=gold-email after @30");
  }

  @Test
  void shouldEndQuietHoursAtLocalMorningAcrossDaylightSavingChanges() throws Exception {
    String newYorker = customer(false, 0);
    String berliner = customer(false, 1);
    var result = ReplayRunner.replay(job, dir, List.of(
        event("p1", newYorker, Instant.parse("2026-03-08T04:00:00Z"), "profile.updated", "OTHER",
            Map.of("timezone", "America/New_York")),
        // 00:00 EST on the night New York springs forward: 08:00 is EDT, 12:00 UTC.
        event("v1", newYorker, Instant.parse("2026-03-08T05:00:00Z"), "phone.viewed", "WEB"),
        // 22:30 CET the night before Berlin springs forward: 08:00 is CEST, 06:00 UTC.
        event("v2", berliner, Instant.parse("2026-03-28T21:30:00Z"), "phone.viewed", "WEB")));

    assertThat(describe(ReplayRunner.json(result, OutputLines.DECISIONS), newYorker))
        .containsExactly(
            at(Instant.parse("2026-03-08T05:00:00Z")) + " CALL_CENTER=- EMAIL=offer-email after "
                + at(Instant.parse("2026-03-08T12:00:00Z")),
            // Shoppers expire two days later: nothing left to send.
            at(Instant.parse("2026-03-10T05:00:00Z")) + " CALL_CENTER=- EMAIL=- after -");
    assertThat(describe(ReplayRunner.json(result, OutputLines.DECISIONS), berliner))
        .containsExactly(at(Instant.parse("2026-03-28T21:30:00Z"))
            + " CALL_CENTER=- EMAIL=offer-email after " + at(Instant.parse("2026-03-29T06:00:00Z")));
  }

  /** Customers given a decision and those of them held out, from a replay's decisions. */
  private static Map<Boolean, Set<String>> decidedByHoldout(List<String> lines) throws Exception {
    Map<Boolean, Set<String>> split = new HashMap<>(Map.of(true, new HashSet<>(), false,
        new HashSet<>()));
    for (String line : lines) {
      JsonNode node = JSON.readTree(line);
      split.get(node.get("holdout").asBoolean()).add(node.get("customerId").asText());
    }
    return split;
  }

  @Test
  void shouldHoldOutAStableTenPercentOfCustomers() throws Exception {
    JobFolder.in(job).file("job.yaml", JobFolder.JOB_YAML_WITH_DECISIONS + """
        decisions:
          holdout: {percent: 10%, salt: decisions-test}
        """);
    int customers = 100_000;
    List<String> events = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      events.add(event("v" + i, "c-" + i, minutes(10), "phone.viewed", "WEB"));
    }

    var first = decidedByHoldout(ReplayRunner.json(
        ReplayRunner.replay(job, dir, events), OutputLines.DECISIONS));
    // Same instant, so the reversed file is the same journeys, met in another order.
    List<String> reversed = new ArrayList<>(events);
    Collections.reverse(reversed);
    var second = decidedByHoldout(ReplayRunner.json(
        ReplayRunner.replay(job, dir, reversed), OutputLines.DECISIONS));

    assertThat(first.get(true).size() + first.get(false).size()).isEqualTo(customers);
    assertThat(first.get(true).size()).isBetween(9_000, 11_000);
    assertThat(second).isEqualTo(first);
  }
}
