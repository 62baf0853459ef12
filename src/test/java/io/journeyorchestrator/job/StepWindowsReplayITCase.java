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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step windows through replay on a MiniCluster, input out of order: "a failed payment, then
 * three calls within 3 hours, within 2 days": calls a day after the payment match, a third call
 * exactly 3 hours after the first does not, and an audience entered by the pattern follows.
 */
class StepWindowsReplayITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path job() {
    return JobFolder.in(dir.resolve("job"))
        .pattern("calls", """
            id: calls-after-failed-payment
            steps:
              - name: failed-payment
                when: event.type == "payment.failed"
              - name: calls
                when: event.type == "call.inbound"
                times: "3+"
                within: 3h
            within: 2d
            """)
        .audience("payment-trouble", """
            id: payment-trouble
            enter: [calls-after-failed-payment]
            expireAfter: 7d
            """)
        .path();
  }

  private static Instant hours(double hours) {
    return minutes(Math.round(hours * 60));
  }

  @Test
  void shouldMatchCallsWithinTheirOwnWindowADayAfterThePayment() throws Exception {
    var result = ReplayRunner.replay(job(), dir, List.of(
        event("alice-pay", "alice", hours(0), "payment.failed", "PAYMENT"),
        // Out of order within the job's 30s: the second call arrives before the first.
        event("alice-c2", "alice", hours(25), "call.inbound", "CALL_CENTER"),
        event("alice-c1", "alice", hours(25).minusSeconds(10), "call.inbound", "CALL_CENTER"),
        event("alice-c3", "alice", hours(27).minusSeconds(11), "call.inbound", "CALL_CENTER"),
        event("bob-pay", "bob", hours(0), "payment.failed", "PAYMENT"),
        event("bob-c1", "bob", hours(24), "call.inbound", "CALL_CENTER"),
        event("bob-c2", "bob", hours(25), "call.inbound", "CALL_CENTER"),
        // Exactly 3 hours after bob's first call: too late for it, as 'within' is exclusive.
        event("bob-c3", "bob", hours(27), "call.inbound", "CALL_CENTER"),
        // Past the pattern's 2 days: too late for the payment, whatever the calls' window.
        event("carol-pay", "carol", hours(0), "payment.failed", "PAYMENT"),
        event("carol-c1", "carol", hours(47), "call.inbound", "CALL_CENTER"),
        event("carol-c2", "carol", hours(47.5), "call.inbound", "CALL_CENTER"),
        event("carol-c3", "carol", hours(48), "call.inbound", "CALL_CENTER"),
        event("z", "zed", hours(24 * 10), "page.view", "STORE")));

    List<String> matches = new ArrayList<>();
    for (String line : ReplayRunner.json(result, OutputLines.MATCHES)) {
      JsonNode node = JSON.readTree(line);
      matches.add(node.get("customerId").asText() + " " + node.get("eventIds"));
    }
    assertThat(matches).containsExactly(
        "alice [\"alice-pay\",\"alice-c1\",\"alice-c2\",\"alice-c3\"]");
    List<String> changes = ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES);
    assertThat(changes).hasSize(2);
    assertThat(changes.get(0)).contains("\"customerId\":\"alice\"", "\"change\":\"ENTERED\"",
        "\"eventTime\":" + hours(27).minusSeconds(11).toEpochMilli());
    assertThat(changes.get(1)).contains("\"change\":\"EXITED\"", "\"reason\":\"expired\"",
        "\"eventTime\":" + hours(27).minusSeconds(11).plus(Duration.ofDays(7)).toEpochMilli());
  }
}
