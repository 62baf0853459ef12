package io.journeyorchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watchdog}: checks every RUNNING or RESTARTING job of a cluster for progress ({@link
 * JobHealth}). Exit
 * 0 when all are healthy, 1 when one is not (each problem printed), 2 when the cluster does not
 * answer. Meant for cron or a liveness probe; it changes nothing.
 */
@Command(name = "watchdog", mixinStandardHelpOptions = true,
    description = "Flag running or restarting jobs whose tasks lack slots or whose checkpoints"
        + " keep failing.")
final class WatchdogCommand implements Callable<Integer> {
  static final int UNHEALTHY = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--rest-url", defaultValue = "http://localhost:8081",
      description = "The cluster's REST endpoint (default ${DEFAULT-VALUE})")
  URI restUrl;

  @Option(names = "--max-checkpoint-age",
      description = "Oldest acceptable last completed checkpoint, e.g. PT2M (default: three"
          + " checkpoint intervals, at least one minute)")
  Duration maxCheckpointAge;

  @Spec CommandSpec spec;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int unhealthy = 0;
    try {
      for (JsonNode listed : get("/jobs").path("jobs")) {
        String status = listed.path("status").asText();
        if (!status.equals("RUNNING") && !status.equals("RESTARTING")) {
          continue;
        }
        String id = listed.path("id").asText();
        JsonNode checkpoints = get("/jobs/" + id + "/checkpoints");
        JobHealth health = JobHealth.of(get("/jobs/" + id), checkpoints, Instant.now(),
            maxCheckpointAge != null ? maxCheckpointAge : defaultAge(id));
        if (health.healthy()) {
          out.println("ok " + id + " " + health.name());
        } else {
          unhealthy++;
          out.println("UNHEALTHY " + id + " " + health.name() + ": "
              + String.join("; ", health.problems()));
        }
      }
    } catch (IOException e) {
      err.println("no answer from " + restUrl + ": " + e.getMessage());
      err.flush();
      return JourneyCli.INVALID;
    }
    out.flush();
    return unhealthy == 0 ? 0 : UNHEALTHY;
  }

  private Duration defaultAge(String jobId) throws IOException, InterruptedException {
    long interval = get("/jobs/" + jobId + "/checkpoints/config").path("interval").asLong();
    Duration threeIntervals = Duration.ofMillis(3 * interval);
    return threeIntervals.compareTo(Duration.ofMinutes(1)) > 0
        ? threeIntervals : Duration.ofMinutes(1);
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(restUrl.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }
}
