package io.journeyorchestrator.job;

import static io.journeyorchestrator.testing.Events.event;
import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.testing.MiniClusters;
import io.journeyorchestrator.testing.ReplayRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Audiences of audiences through replay on a MiniCluster: rolling audiences ({@code memberFor}),
 * an audience composed of two rolling ones that enters and exits as they change at the same
 * instant, one that lingers after its composition stopped holding, an enterWhen over
 * {@code audiences}, and a suppression while a composed audience holds. Audiences are downstream
 * of the pattern engine, so both engines decide the same.
 */
class ComposedAudiencesReplayITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path job(String engine) {
    return JobFolder.in(dir.resolve("job-" + engine)).engine(engine)
        .pattern("web", """
            id: web-visit
            steps:
              - name: visit
                when: event.channel == "WEB"
            """)
        .pattern("ivr", """
            id: ivr-call
            steps:
              - name: call
                when: event.channel == "IVR"
            """)
        .pattern("case-opened", """
            id: case-opened
            steps:
              - name: opened
                when: event.type == "case.opened"
            """)
        .audience("recent-web", """
            id: recent-web
            enter: [web-visit]
            memberFor: 2d
            """)
        .audience("recent-ivr", """
            id: recent-ivr
            enter: [ivr-call]
            memberFor: 2d
            """)
        .audience("open-case", """
            id: open-case
            enter: [case-opened]
            expireAfter: 1d
            """)
        .audience("tried-web-and-ivr", """
            id: tried-web-and-ivr
            while:
              all: [recent-web, recent-ivr]
              none: [open-case]
            """)
        .audience("lately-both", """
            id: lately-both
            while: {all: [recent-web, recent-ivr]}
            memberFor: 1d
            """)
        .audience("priority-caller", """
            id: priority-caller
            enter: [ivr-call]
            enterWhen: has(profile.tier) && profile.tier == "gold" && "recent-web" in audiences
            """)
        .suppression("no-marketing", """
            id: no-marketing-while-trying
            while: [tried-web-and-ivr]
            categories: [marketing]
            """)
        .path();
  }

  @ParameterizedTest(name = "engine {0}")
  @ValueSource(strings = {"journey", "flink-cep"})
  void shouldFollowRollingPartsAtTheirOwnInstants(String engine) throws Exception {
    Instant webEnds = minutes(0).plus(Duration.ofDays(2));
    var result = ReplayRunner.replay(job(engine), dir, List.of(
        event("w1", "alice", minutes(0), "page.view", "WEB"),
        event("i1", "alice", minutes(60), "call.inbound", "IVR"),
        // Exactly when recent-web ends: the composition ends at that instant too.
        event("z", "zed", webEnds.plus(Duration.ofDays(3)), "page.view", "STORE")));

    assertThat(describe(result, "alice")).containsExactly(
        "recent-web ENTERED pattern:web-visit @0 until @2880",
        "recent-ivr ENTERED pattern:ivr-call @60 until @2940",
        "lately-both ENTERED while @60 until @4320",
        "tried-web-and-ivr ENTERED while @60 until @2880",
        "recent-web EXITED expired @2880",
        "tried-web-and-ivr EXITED expired @2880",
        "recent-ivr EXITED expired @2940",
        "lately-both EXITED expired @4320");
    List<String> suppressions = ReplayRunner.json(result, OutputLines.SUPPRESSIONS);
    assertThat(suppressions).hasSize(2);
    // Held while the composed audience holds, until it is known to end.
    assertThat(suppressions.get(0)).contains("\"policyId\":\"no-marketing-while-trying\"",
        "\"action\":\"SUPPRESS\"", "\"audiences\":[\"tried-web-and-ivr\"]",
        "\"eventTime\":" + minutes(60).toEpochMilli(), "\"until\":" + webEnds.toEpochMilli());
    assertThat(suppressions.get(1)).contains("\"action\":\"RELEASE\"",
        "\"eventTime\":" + webEnds.toEpochMilli());
  }

  @Test
  void shouldLeaveAndReenterAsANonePartComesAndGoesAndLetEnterWhenSeeMemberships()
      throws Exception {
    var result = ReplayRunner.replay(job("journey"), dir, List.of(
        event("p", "alice", minutes(0), "profile.updated", "APP", Map.of("tier", "gold")),
        event("w1", "alice", minutes(10), "page.view", "WEB"),
        // A case and a call at the same instant (the case first, by event id): the composition
        // never holds then; priority-caller sees recent-web.
        event("i1", "alice", minutes(20), "call.inbound", "IVR"),
        event("c1", "alice", minutes(20), "case.opened", "CALL_CENTER"),
        event("i2", "bob", minutes(20), "call.inbound", "IVR"),
        event("z", "zed", minutes(0).plus(Duration.ofDays(5)), "page.view", "STORE")));

    List<String> alice = describe(result, "alice");
    assertThat(alice).startsWith(
        "recent-web ENTERED pattern:web-visit @10 until @2890",
        "open-case ENTERED pattern:case-opened @20 until @1460",
        "recent-ivr ENTERED pattern:ivr-call @20 until @2900",
        "lately-both ENTERED while @20 until @4330",
        "priority-caller ENTERED pattern:ivr-call @20",
        // The case ends a day later: now the composition holds, until recent-web ends.
        "open-case EXITED expired @1460",
        "tried-web-and-ivr ENTERED while @1460 until @2890");
    assertThat(alice).doesNotContain("tried-web-and-ivr ENTERED while @20 until @2890");
    // bob has no profile tier and was never on the web.
    assertThat(describe(result, "bob")).containsExactly(
        "recent-ivr ENTERED pattern:ivr-call @20 until @2900",
        "recent-ivr EXITED expired @2900");
  }

  /** Each change of the customer as "audience KIND reason @minutes [until @minutes]". */
  private static List<String> describe(ReplayJob.Result result, String customer)
      throws Exception {
    List<String> described = new ArrayList<>();
    for (String line : ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES)) {
      JsonNode node = JSON.readTree(line);
      if (!node.get("customerId").asText().equals(customer)) {
        continue;
      }
      String change = node.get("extended").asBoolean() ? "EXTENDED" : node.get("change").asText();
      described.add(node.get("audienceId").asText() + " " + change + " "
          + node.get("reason").asText() + " " + at(node.get("eventTime"))
          + (node.get("expiresAt").isNull() ? "" : " until " + at(node.get("expiresAt"))));
    }
    return described;
  }

  private static String at(JsonNode epochMillis) {
    return "@" + Duration.between(minutes(0), Instant.ofEpochMilli(epochMillis.asLong()))
        .toMinutes();
  }
}
