package io.journeyorchestrator.job;

import static io.journeyorchestrator.testing.Events.event;
import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.engine.StepFunnels;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.testing.MiniClusters;
import io.journeyorchestrator.testing.ReplayRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's any-order example through replay on a MiniCluster: at least two of web, IVR and
 * app in any order, with repetitions and unrelated events between, then a call within a day of
 * the group's last member; three members at one instant written out of order; the audience it
 * enters and the step funnel of the group.
 */
class AnyOrderGroupReplayITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** The guide's example, as the guide shows it. */
  private static String guideExample() throws Exception {
    String guide = Files.readString(Path.of("jobs/README.md"));
    String after = guide.substring(guide.indexOf("### Any-order groups"));
    int start = after.indexOf("```yaml\n") + "```yaml\n".length();
    return after.substring(start, after.indexOf("```", start));
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException(line, e);
    }
  }

  private static Instant hours(double hours) {
    return minutes(Math.round(hours * 60));
  }

  private static String supportPage(String id, String customer, Instant at) {
    return event(id, customer, at, "page.view", "WEB", Map.of("section", "support"));
  }

  @Test
  void shouldMatchAnyTwoMembersInAnyOrderThenTheCall() throws Exception {
    Path job = JobFolder.in(dir.resolve("job"))
        .pattern("tried", guideExample())
        .audience("priority", """
            id: priority-routing
            enter: [tried-self-service]
            expireAfter: 2d
            """).path();
    List<String> events = new ArrayList<>(List.of(
        // alice: IVR, an unrelated page, the support pages, the IVR again, then a call.
        event("a-ivr1", "alice", hours(0), "ivr.call", "IVR"),
        event("a-shop", "alice", hours(1), "page.view", "WEB", Map.of("section", "shop")),
        supportPage("a-web", "alice", hours(2)),
        event("a-ivr2", "alice", hours(3), "ivr.call", "IVR"),
        event("a-call", "alice", hours(10), "call.inbound", "CALL_CENTER"),
        // bob: one member, twice: not two members.
        event("b-ivr1", "bob", hours(0), "ivr.call", "IVR"),
        event("b-ivr2", "bob", hours(1), "ivr.call", "IVR"),
        event("b-call", "bob", hours(2), "call.inbound", "CALL_CENTER"),
        // carol: two members, but the call comes a day after the last one.
        event("c-app", "carol", hours(0), "app.open", "APP"),
        supportPage("c-web", "carol", hours(1)),
        event("c-call", "carol", hours(25), "call.inbound", "CALL_CENTER"),
        // dave: all three at one instant, written in reverse id order; the engine takes them
        // by id (app, ivr, web), so app and ivr complete the group first.
        supportPage("d-web", "dave", hours(5)),
        event("d-ivr", "dave", hours(5), "ivr.call", "IVR"),
        event("d-app", "dave", hours(5), "app.open", "APP"),
        event("d-call", "dave", hours(6), "call.inbound", "CALL_CENTER"),
        event("z", "zed", hours(24 * 10), "page.view", "WEB", Map.of("section", "shop"))));
    // In time order (a stable sort: dave's three stay in reverse id order).
    events.sort(Comparator.comparingLong(line -> parse(line).get("timestamp").asLong()));
    Path file = ReplayRunner.writeLines(dir.resolve("events.jsonl"), events);
    PatternDefinition pattern = JobLoader.load(job).patterns().get(0);

    ReplayJob.Result result = new ReplayJob(JobLoader.load(job), new Configuration())
        .withStepFunnels().run(file, Optional.empty(), Files.createTempDirectory(dir, "parts"));

    List<String> matches = new ArrayList<>();
    for (String line : ReplayRunner.json(result, OutputLines.MATCHES)) {
      JsonNode node = JSON.readTree(line);
      List<String> ids = new ArrayList<>();
      node.get("eventIds").forEach(id -> ids.add(id.asText()));
      matches.add(node.get("customerId").asText() + " " + ids);
    }
    // Event ids in step order (web, ivr, app, call), whatever order the members came in.
    assertThat(ReplayRunner.json(result, OutputLines.LATE_EVENTS)).isEmpty();
    assertThat(matches).containsExactlyInAnyOrder(
        "alice [a-web, a-ivr1, a-call]", "dave [d-ivr, d-app, d-call]");
    List<String> entered = new ArrayList<>();
    for (String line : ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES)) {
      JsonNode node = JSON.readTree(line);
      if (node.get("change").asText().equals("ENTERED")) {
        entered.add(node.get("customerId").asText() + " " + node.get("eventTime").asLong());
      }
    }
    assertThat(entered).containsExactlyInAnyOrder(
        "alice " + hours(10).toEpochMilli(), "dave " + hours(6).toEpochMilli());

    StepFunnels funnels = result.stepFunnels().orElseThrow();
    List<StepFunnels.Row> rows = StepFunnels.rowsOf(pattern);
    assertThat(rows).extracting(StepFunnels.Row::label).containsExactly(
        "self-service 1 of 2 (any order)", "self-service 2 of 2 (any order)", "call",
        "matched");
    List<Long> reached = new ArrayList<>();
    for (int row = 0; row < rows.size(); row++) {
      reached.add(funnels.customers(pattern.id(), row, Long.MAX_VALUE));
    }
    assertThat(reached).containsExactly(4L, 3L, 2L, 2L);
  }
}
