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
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens at one instant, through replay on a MiniCluster: the audience state after an
 * instant is what the patterns saw (a deadline before the events of its instant, events in the
 * timeline's order whatever the file order), records of one instant are listed in the order they
 * were applied, and every move of an expiry is visible.
 */
class SameInstantReplayITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path job;

  @BeforeEach
  void writeJob() {
    job = JobFolder.in(dir.resolve("job"))
        .pattern("not-activated", """
            id: device-not-activated
            steps:
              - name: bought
                when: event.type == "device.purchased"
              - name: activated
                when: event.type == "device.activated"
                absent: true
            within: 7d
            """)
        .pattern("activated", """
            id: device-activated
            steps:
              - name: activated
                when: event.type == "device.activated"
            """)
        .pattern("upload-trouble", """
            id: upload-failed-then-call
            steps:
              - name: failed
                when: event.type == "upload.failed"
              - name: succeeded
                when: event.type == "upload.succeeded"
                absent: true
              - name: call
                when: event.type == "call.inbound"
            within: 2d
            """)
        .pattern("upload-succeeded", """
            id: upload-succeeded
            steps:
              - name: succeeded
                when: event.type == "upload.succeeded"
            """)
        .pattern("failed", """
            id: payment-failed
            steps:
              - name: failed
                when: event.type == "payment.failed"
            """)
        .audience("activation-help", """
            id: activation-help
            enter: [device-not-activated]
            exit: [device-activated]
            """)
        .audience("upload-help", """
            id: upload-help
            enter: [upload-failed-then-call]
            exit: [upload-succeeded]
            """)
        .audience("payment-trouble", """
            id: payment-trouble
            enter: [payment-failed]
            expireAfter: 2h
            """)
        .suppression("no-upsell", """
            id: no-upsell-before-activation
            while: [activation-help]
            categories: [upsell]
            """)
        .path();
  }

  @Test
  void shouldExitACustomerWhoActivatesExactlyAtTheDeadline() throws Exception {
    Instant deadline = minutes(0).plus(Duration.ofDays(7));
    var result = ReplayRunner.replay(job, dir, List.of(
        event("buy", "alice", minutes(0), "device.purchased", "STORE"),
        event("act", "alice", deadline, "device.activated", "APP")));

    // An event exactly at the deadline is outside the 7-day window: the absence matched, and
    // the activation that shares the instant then exits.
    assertThat(describe(result, OutputLines.AUDIENCE_CHANGES)).containsExactly(
        "alice activation-help ENTERED pattern:device-not-activated @10080",
        "alice activation-help EXITED pattern:device-activated @10080");
    assertThat(describe(result, OutputLines.MATCHES)).containsExactly(
        "alice device-not-activated @10080", "alice device-activated @10080");
    // A member for no time at all: suppression decides on the state after the instant.
    assertThat(ReplayRunner.json(result, OutputLines.SUPPRESSIONS)).isEmpty();
  }

  @Test
  void shouldExitWhenTheSuccessFollowsTheCallAtTheSameMillisecondInEitherFileOrder()
      throws Exception {
    String failed = event("u1", "alice", minutes(0), "upload.failed", "APP");
    // Event ids order the instant: the call (c1) comes before the success (s1), so the pattern
    // matched on the call; the success then exits.
    String call = event("c1", "alice", minutes(30), "call.inbound", "CALL_CENTER");
    String success = event("s1", "alice", minutes(30), "upload.succeeded", "APP");
    List<String> expected = List.of(
        "alice upload-help ENTERED pattern:upload-failed-then-call @30",
        "alice upload-help EXITED pattern:upload-succeeded @30");

    var callFirst = ReplayRunner.replay(job, dir, List.of(failed, call, success));
    var successFirst = ReplayRunner.replay(job, dir, List.of(failed, success, call));

    assertThat(describe(callFirst, OutputLines.AUDIENCE_CHANGES)).isEqualTo(expected);
    assertThat(describe(successFirst, OutputLines.AUDIENCE_CHANGES)).isEqualTo(expected);
  }

  @Test
  void shouldNotMatchWhenTheSuccessComesFirstAtTheSameMillisecond() throws Exception {
    var result = ReplayRunner.replay(job, dir, List.of(
        event("u1", "alice", minutes(0), "upload.failed", "APP"),
        event("c2", "alice", minutes(30), "call.inbound", "CALL_CENTER"),
        event("a1", "alice", minutes(30), "upload.succeeded", "APP")));

    assertThat(describe(result, OutputLines.MATCHES))
        .containsExactly("alice upload-succeeded @30");
    assertThat(ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES)).isEmpty();
  }

  @Test
  void shouldListAnExpiryBeforeTheReentryAtTheSameInstant() throws Exception {
    var result = ReplayRunner.replay(job, dir, List.of(
        event("f1", "alice", minutes(10), "payment.failed", "PAYMENT"),
        event("f2", "alice", minutes(130), "payment.failed", "PAYMENT"),
        event("x", "bob", minutes(131), "page.view", "WEB")));

    // Read top to bottom, the file says alice is a member again at 130.
    assertThat(describe(result, OutputLines.AUDIENCE_CHANGES)).containsExactly(
        "alice payment-trouble ENTERED pattern:payment-failed @10 until @130",
        "alice payment-trouble EXITED expired @130",
        "alice payment-trouble ENTERED pattern:payment-failed @130 until @250");
  }

  @Test
  void shouldPublishEveryMoveOfAnExpirySoTheLastRecordSaysWhenItEnds() throws Exception {
    var result = ReplayRunner.replay(job, dir, List.of(
        event("f1", "alice", minutes(10), "payment.failed", "PAYMENT"),
        event("f2", "alice", minutes(70), "payment.failed", "PAYMENT"),
        event("x", "bob", minutes(600), "page.view", "WEB")));

    List<String> changes = describe(result, OutputLines.AUDIENCE_CHANGES);
    assertThat(changes).containsExactly(
        "alice payment-trouble ENTERED pattern:payment-failed @10 until @130",
        "alice payment-trouble EXTENDED pattern:payment-failed @70 until @190",
        "alice payment-trouble EXITED expired @190");
    // The record before the expiry exit carries the expiry that ended it.
    assertThat(changes.get(1)).endsWith("until @190");
  }

  /** Each record as "customer audience KIND reason @time [until @expiry]", or for matches. */
  private static List<String> describe(ReplayJob.Result result, String kind) throws Exception {
    List<String> described = new ArrayList<>();
    for (String line : ReplayRunner.json(result, kind)) {
      JsonNode node = JSON.readTree(line);
      if (kind.equals(OutputLines.MATCHES)) {
        described.add(node.get("customerId").asText() + " " + node.get("patternId").asText()
            + " " + at(node.get("endTime")));
        continue;
      }
      String change = node.get("extended").asBoolean() ? "EXTENDED" : node.get("change").asText();
      described.add(node.get("customerId").asText() + " " + node.get("audienceId").asText() + " "
          + change + " " + node.get("reason").asText() + " " + at(node.get("eventTime"))
          + (node.get("expiresAt").isNull() ? "" : " until " + at(node.get("expiresAt"))));
    }
    return described;
  }

  private static String at(JsonNode epochMillis) {
    return "@" + Duration.between(minutes(0), Instant.ofEpochMilli(epochMillis.asLong()))
        .toMinutes();
  }
}
