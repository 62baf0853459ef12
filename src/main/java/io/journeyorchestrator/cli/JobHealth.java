package io.journeyorchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a job Flink reports as RUNNING is really making progress, from its REST answers: a
 * job can stay RUNNING with tasks that never get slots back (a TaskManager gone), or with every
 * checkpoint failing (exactly-once output then never becomes visible). Problems are readable
 * sentences; none means healthy.
 */
record JobHealth(String jobId, String name, List<String> problems) {
  /**
   * @param job {@code GET /jobs/<id>}
   * @param checkpoints {@code GET /jobs/<id>/checkpoints}
   * @param maxCheckpointAge how old the last completed checkpoint may be
   */
  static JobHealth of(JsonNode job, JsonNode checkpoints, Instant now, Duration maxCheckpointAge) {
    List<String> problems = new ArrayList<>();
    String state = job.path("state").asText();
    if (!state.equals("RUNNING")) {
      problems.add("job is " + state);
    }
    int tasks = 0;
    int running = 0;
    for (JsonNode vertex : job.path("vertices")) {
      tasks += vertex.path("parallelism").asInt();
      running += vertex.path("tasks").path("RUNNING").asInt();
    }
    if (running < tasks) {
      problems.add(running + " of " + tasks + " tasks running (missing TaskManager slots?)");
    }
    JsonNode completed = checkpoints.path("latest").path("completed");
    Instant since = completed.isObject()
        ? Instant.ofEpochMilli(completed.path("latest_ack_timestamp").asLong())
        : Instant.ofEpochMilli(job.path("start-time").asLong());
    Duration age = Duration.between(since, now);
    if (age.compareTo(maxCheckpointAge) > 0) {
      JsonNode failed = checkpoints.path("latest").path("failed");
      String cause = failed.isObject()
          ? "; latest failure: " + failed.path("failure_message").asText("unknown") : "";
      problems.add((completed.isObject()
          ? "last checkpoint completed " + age.toSeconds() + " s ago"
          : "no checkpoint completed in the " + age.toSeconds() + " s since the job started")
          + " (limit " + maxCheckpointAge.toSeconds() + " s), "
          + checkpoints.path("counts").path("failed").asLong() + " failed" + cause);
    }
    return new JobHealth(job.path("jid").asText(), job.path("name").asText(), problems);
  }

  boolean healthy() {
    return problems.isEmpty();
  }
}
