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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-step conditions ({@code steps.<name>}) through replay on a MiniCluster, on both engines
 * (Flink CEP runs them as iterative conditions), input out of order: "that order delivered
 * late" with two orders in flight, a repeated step's last event and {@code .all}, and an absent
 * step that only counts for the device bought.
 */
class CrossStepConditionsReplayITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\":(\\d+)");

  @TempDir Path dir;

  private Path job(String engine) {
    return JobFolder.in(dir.resolve("job-" + engine)).engine(engine)
        .pattern("late", """
            id: delivered-late
            afterMatch: no-skip
            steps:
              - name: placed
                when: event.type == "order.placed"
              - name: delivered
                when: >-
                  event.type == "order.delivered"
                  && event.attributes.orderId == steps.placed.attributes.orderId
                  && event.timestamp - steps.placed.timestamp > duration("48h")
            within: 7d
            """)
        .pattern("repeat", """
            id: complaint-after-repeat-calls
            steps:
              - name: opened
                when: event.type == "case.opened"
              - name: calls
                when: >-
                  event.type == "call.inbound"
                  && event.attributes.caseId == steps.opened.attributes.caseId
                times: 2
              - name: complaint
                when: >-
                  event.type == "complaint.filed"
                  && event.attributes.agent == steps.calls.attributes.agent
                  && steps.calls.all.exists(c, c.attributes.agent != event.attributes.agent)
            within: 1d
            """)
        .pattern("not-activated", """
            id: device-not-activated
            steps:
              - name: bought
                when: event.type == "device.purchased"
              - name: activated
                absent: true
                when: >-
                  event.type == "device.activated"
                  && event.attributes.imei == steps.bought.attributes.imei
            within: 7d
            """)
        .path();
  }

  private static Instant hours(double hours) {
    return minutes(Math.round(hours * 60));
  }

  @ParameterizedTest(name = "engine {0}")
  @ValueSource(strings = {"journey", "flink-cep"})
  void shouldMatchOnlyWhatTheEarlierStepsTook(String engine) throws Exception {
    List<String> events = new ArrayList<>(List.of(
        // alice: two orders in flight, each delivered more than 48 h after it was placed.
        event("a-d1", "alice", hours(72).plusSeconds(600), "order.delivered", "STORE",
            Map.of("orderId", "o-1")),
        event("a-p1", "alice", hours(0), "order.placed", "WEB", Map.of("orderId", "o-1")),
        event("a-p2", "alice", hours(0).plusSeconds(10), "order.placed", "WEB",
            Map.of("orderId", "o-2")),
        event("a-d2", "alice", hours(72), "order.delivered", "STORE", Map.of("orderId", "o-2")),
        // bob: delivered on time; then a late delivery of an order he never placed.
        event("b-p1", "bob", hours(0), "order.placed", "WEB", Map.of("orderId", "o-7")),
        event("b-d1", "bob", hours(24), "order.delivered", "STORE", Map.of("orderId", "o-7")),
        event("b-d9", "bob", hours(60), "order.delivered", "STORE", Map.of("orderId", "o-9")),
        // carol: exactly 48 h is not late.
        event("c-p1", "carol", hours(0), "order.placed", "WEB", Map.of("orderId", "o-3")),
        event("c-d1", "carol", hours(48), "order.delivered", "STORE", Map.of("orderId", "o-3")),
        // dave: a call about another case in between; the complaint names the last agent.
        event("d-o", "dave", minutes(0), "case.opened", "CHAT", Map.of("caseId", "k-1")),
        event("d-c0", "dave", minutes(10), "call.inbound", "IVR", Map.of("caseId", "k-2",
            "agent", "zoe")),
        event("d-c1", "dave", minutes(20), "call.inbound", "IVR", Map.of("caseId", "k-1",
            "agent", "ann")),
        event("d-c2", "dave", minutes(30), "call.inbound", "IVR", Map.of("caseId", "k-1",
            "agent", "ben")),
        event("d-x", "dave", minutes(40), "complaint.filed", "EMAIL", Map.of("agent", "ben")),
        // erin: the complaint names the first agent, not the last.
        event("e-o", "erin", minutes(0), "case.opened", "CHAT", Map.of("caseId", "k-5")),
        event("e-c1", "erin", minutes(20), "call.inbound", "IVR", Map.of("caseId", "k-5",
            "agent", "ann")),
        event("e-c2", "erin", minutes(30), "call.inbound", "IVR", Map.of("caseId", "k-5",
            "agent", "ben")),
        event("e-x", "erin", minutes(40), "complaint.filed", "EMAIL", Map.of("agent", "ann")),
        // fred: activated another device; gina activated the one she bought.
        event("f-b", "fred", hours(0), "device.purchased", "STORE", Map.of("imei", "i-1")),
        event("f-a", "fred", hours(24), "device.activated", "APP", Map.of("imei", "i-2")),
        event("g-b", "gina", hours(0), "device.purchased", "STORE", Map.of("imei", "i-3")),
        event("g-a", "gina", hours(24), "device.activated", "APP", Map.of("imei", "i-3")),
        event("z", "zed", hours(24 * 10), "page.view", "WEB")));

    // In time order, but for alice's two orders, placed 10 s apart and read the other way round.
    events.sort(Comparator.comparingLong(CrossStepConditionsReplayITCase::timestampOf));
    int first = indexOf(events, "a-p1");
    events.add(first, events.remove(indexOf(events, "a-p2")));

    var result = ReplayRunner.replay(job(engine), dir, events);

    List<String> matches = new ArrayList<>();
    for (String line : ReplayRunner.json(result, OutputLines.MATCHES)) {
      JsonNode node = JSON.readTree(line);
      List<String> ids = new ArrayList<>();
      node.get("eventIds").forEach(id -> ids.add(id.asText()));
      matches.add(node.get("patternId").asText() + " " + node.get("customerId").asText() + " "
          + ids);
    }
    assertThat(matches).containsExactlyInAnyOrder(
        "delivered-late alice [a-p2, a-d2]",
        "delivered-late alice [a-p1, a-d1]",
        "complaint-after-repeat-calls dave [d-o, d-c1, d-c2, d-x]",
        "device-not-activated fred [f-b]");
  }


  private static long timestampOf(String line) {
    Matcher m = TIMESTAMP.matcher(line);
    if (!m.find()) {
      throw new IllegalArgumentException(line);
    }
    return Long.parseLong(m.group(1));
  }

  private static int indexOf(List<String> lines, String eventId) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"eventId\":\"" + eventId + "\"")) {
        return i;
      }
    }
    throw new IllegalArgumentException(eventId);
  }
}
