package io.journeyorchestrator.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.testing.MiniClusters;
import io.journeyorchestrator.testing.RandomJourneys;
import io.journeyorchestrator.testing.ReplayRunner;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Over random journeys with many same-instant collisions (fixed seeds, every step kind), each
 * output file read top to bottom is a consistent story: per customer and audience ENTERED and
 * EXITED alternate and extensions only touch members; per policy RELEASE only follows SUPPRESS;
 * each customer's records never go back in time; and the suppressions at the end are exactly
 * what the memberships at the end imply, with the `until` their expiries imply.
 */
class RandomJourneyInvariantsITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 42})
  void shouldTellAConsistentStoryInEveryOutputFile(long seed) throws Exception {
    Path job = RandomJourneys.job(JobFolder.in(dir.resolve("job"))).path();
    var result = ReplayRunner.replay(job, dir, RandomJourneys.lines(seed, 40, 60));

    Map<String, Map<String, Long>> members = membershipsAtEnd(
        ReplayRunner.json(result, OutputLines.AUDIENCE_CHANGES));
    Map<String, Map<String, String>> suppressed = suppressionsAtEnd(
        ReplayRunner.json(result, OutputLines.SUPPRESSIONS));
    assertThat(members).as("some customer is in an audience at the end").isNotEmpty();
    assertThat(ReplayRunner.json(result, OutputLines.LATE_EVENTS)).isEmpty();

    for (String customer : union(members.keySet(), suppressed.keySet())) {
      Map<String, Long> in = members.getOrDefault(customer, Map.of());
      for (Map.Entry<String, List<String>> policy : RandomJourneys.POLICIES.entrySet()) {
        List<String> holding = policy.getValue().stream().filter(in::containsKey).toList();
        String expected = null;
        if (!holding.isEmpty()) {
          boolean allExpire = holding.stream().allMatch(a -> in.get(a) != NO_EXPIRY);
          expected = allExpire
              ? String.valueOf(holding.stream().mapToLong(in::get).max().getAsLong())
              : "open";
        }
        assertThat(suppressed.getOrDefault(customer, Map.of()).get(policy.getKey()))
            .as("%s %s at the end, holding %s", customer, policy.getKey(), holding)
            .isEqualTo(expected);
      }
    }
  }

  private static final long NO_EXPIRY = Long.MIN_VALUE;

  /**
   * Reads the file in order, checking each record against the story so far; returns per
   * customer the audiences they are in at the end, with the expiry their latest record stated.
   */
  private static Map<String, Map<String, Long>> membershipsAtEnd(List<String> lines)
      throws Exception {
    Map<String, Map<String, Long>> members = new HashMap<>();
    Map<String, Long> lastTime = new HashMap<>();
    for (String line : lines) {
      JsonNode change = JSON.readTree(line);
      String customer = change.get("customerId").asText();
      String audience = change.get("audienceId").asText();
      long time = change.get("eventTime").asLong();
      assertThat(time).as("time order of %s: %s", customer, line)
          .isGreaterThanOrEqualTo(lastTime.getOrDefault(customer, Long.MIN_VALUE));
      lastTime.put(customer, time);
      Map<String, Long> in = members.computeIfAbsent(customer, c -> new HashMap<>());
      Long stated = in.get(audience);
      String kind = change.get("extended").asBoolean() ? "EXTENDED"
          : change.get("change").asText();
      if (kind.equals("ENTERED")) {
        assertThat(stated).as("ENTERED while a member: %s", line).isNull();
      } else {
        assertThat(stated).as("%s of a non-member: %s", kind, line).isNotNull();
      }
      if (kind.equals("EXITED")) {
        if (change.get("reason").asText().equals("expired")) {
          assertThat(time).as("expires when the latest record said: %s", line).isEqualTo(stated);
        } else if (stated != NO_EXPIRY) {
          assertThat(time).as("exits before the stated expiry: %s", line).isLessThan(stated);
        }
        in.remove(audience);
      } else {
        JsonNode expiresAt = change.get("expiresAt");
        in.put(audience, expiresAt.isNull() ? NO_EXPIRY : expiresAt.asLong());
      }
    }
    members.values().removeIf(Map::isEmpty);
    return members;
  }

  private static Map<String, Map<String, String>> suppressionsAtEnd(List<String> lines)
      throws Exception {
    Map<String, Map<String, String>> suppressed = new HashMap<>();
    for (String line : lines) {
      JsonNode decision = JSON.readTree(line);
      String customer = decision.get("customerId").asText();
      String policy = decision.get("policyId").asText();
      Map<String, String> active = suppressed.computeIfAbsent(customer, c -> new HashMap<>());
      String until = decision.get("until").isNull() ? "open" : decision.get("until").asText();
      if (decision.get("action").asText().equals("RELEASE")) {
        assertThat(active).as("RELEASE follows a SUPPRESS: %s", line).containsKey(policy);
        active.remove(policy);
      } else {
        assertThat(Objects.equals(active.get(policy), until))
            .as("a repeated SUPPRESS changes until: %s", line).isFalse();
        active.put(policy, until);
      }
    }
    suppressed.values().removeIf(Map::isEmpty);
    return suppressed;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
