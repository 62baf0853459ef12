package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the watchdog calls healthy, from the shapes Flink's REST API answers with. */
class JobHealthTest {
  private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
  private static final Duration LIMIT = Duration.ofMinutes(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode job(int running) throws Exception {
    return JSON.readTree("""
        {"jid": "j1", "name": "telecom-demo", "state": "RUNNING", "start-time": %d,
         "vertices": [{"parallelism": 2, "tasks": {"RUNNING": 2}},
                      {"parallelism": 2, "tasks": {"RUNNING": %d, "SCHEDULED": %d}}]}
        """.formatted(NOW.minusSeconds(600).toEpochMilli(), running, 2 - running));
  }

  private static JsonNode checkpoints(Long completedAgoSeconds, String failure) throws Exception {
    String completed = completedAgoSeconds == null ? "null"
        : "{\"latest_ack_timestamp\": " + NOW.minusSeconds(completedAgoSeconds).toEpochMilli()
            + "}";
    String failed = failure == null ? "null" : "{\"failure_message\": \"" + failure + "\"}";
    return JSON.readTree("{\"counts\": {\"failed\": 7}, \"latest\": {\"completed\": " + completed
        + ", \"failed\": " + failed + "}}");
  }

  @Test
  void shouldCallARunningJobWithRecentCheckpointsHealthy() throws Exception {
    assertThat(JobHealth.of(job(2), checkpoints(20L, null), NOW, LIMIT).healthy()).isTrue();
  }

  @Test
  void shouldFlagCheckpointsThatKeepFailing() throws Exception {
    JobHealth health = JobHealth.of(job(2),
        checkpoints(300L, "Timeout expired after 60000ms while awaiting InitProducerId"), NOW,
        LIMIT);
    assertThat(health.problems()).containsExactly("last checkpoint completed 300 s ago (limit"
        + " 60 s), 7 failed; latest failure: Timeout expired after 60000ms while awaiting"
        + " InitProducerId");
  }

  @Test
  void shouldFlagARunningJobWhoseTasksLackSlots() throws Exception {
    JobHealth health = JobHealth.of(job(0), checkpoints(null, null), NOW, LIMIT);
    assertThat(health.problems()).containsExactly(
        "2 of 4 tasks running (missing TaskManager slots?)",
        "no checkpoint completed in the 600 s since the job started (limit 60 s), 7 failed");
  }
}
