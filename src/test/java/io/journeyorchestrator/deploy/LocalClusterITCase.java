package io.journeyorchestrator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.testing.Scripts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scripts data engineers use, for real: a local Kafka broker from Maven jars, a savepoint
 * upgrade of the demo job on a standalone Flink cluster with exact output checks, and the
 * supervised high-availability cluster surviving a JobManager and a TaskManager kill -9.
 */
class LocalClusterITCase {

  @Test
  void shouldStartStopAndCreateTopicsOnALocalBroker() throws Exception {
    Scripts.Result result = Scripts.run(Duration.ofMinutes(4), "scripts/test-kafka-local.sh");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains(" 0 failed");
  }

  @Test
  void shouldUpgradeTheDemoJobFromASavepointWithoutLosingOrRepeatingDecisions() throws Exception {
    Scripts.Result result = Scripts.run(Duration.ofMinutes(8), "scripts/test-upgrade.sh");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("an upgrade with unexplained state was refused and the job kept running")
        .contains("DROP    pattern repeated-calls: definition changed")
        .contains("upgrade test passed: 14 audience changes and 14 suppression decisions");
  }

  @Test
  void shouldResumeTheJobByItselfAfterAJobManagerOrTaskManagerIsKilled() throws Exception {
    Scripts.Result result = Scripts.run(Duration.ofMinutes(8), "scripts/test-ha.sh");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("ok: the job resumes by itself, same id, every task running")
        .contains("ok: the job runs again on the new TaskManager")
        .contains("ok: every port of the cluster, metrics included, listens on 127.0.0.1 only")
        .contains(" 0 failed");
  }

  /** One case of the fault suite (scripts/test-faults.sh runs them all): exact output after it. */
  @Test
  void shouldDecideExactlyWhatReplayDecidesAcrossATaskManagerKill() throws Exception {
    Scripts.Result result = Scripts.run(Duration.ofMinutes(10), "scripts/test-faults.sh",
        "--only", "taskmanager-kill", "--events", "6000", "--customers", "600");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .containsPattern("\\| taskmanager-kill \\| 6000 \\| [1-9][0-9]* \\| 0 \\| 0 \\| 0 \\|")
        .contains("faults: 1 of 1 runs exact");
  }

  /** The README's first command: decisions print, and a TERM stops everything it started. */
  @Test
  void shouldPrintDecisionsLocallyAndStopEverythingItStartedOnTerm() throws Exception {
    Process runLocal = new ProcessBuilder("bash", "scripts/run-local.sh")
        .redirectErrorStream(true).start();
    runLocal.getOutputStream().close();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread pump = new Thread(() -> runLocal.inputReader(StandardCharsets.UTF_8).lines()
        .forEach(line -> {
          System.out.println(line);
          lines.add(line);
        }));
    pump.start();
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (!printedDecision(lines) && runLocal.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      assertThat(printedDecision(lines)).as("run-local.sh printed a decision").isTrue();
      assertThat(lookupAnswersForAnEnteredCustomer(lines, deadline))
          .as("the lookup service run-local.sh started answers for a customer who entered")
          .contains("\"memberships\"");
      List<ProcessHandle> started = runLocal.descendants().toList();
      assertThat(started).as("the broker, the job, the producer, the lookup service and the reader")
          .hasSizeGreaterThan(4);

      runLocal.destroy();
      assertThat(runLocal.waitFor(90, TimeUnit.SECONDS)).as("stopped after TERM").isTrue();
      assertThat(runLocal.exitValue()).isEqualTo(143);
      assertThat(started).as("processes left running").noneMatch(ProcessHandle::isAlive);
    } finally {
      runLocal.descendants().forEach(ProcessHandle::destroyForcibly);
      runLocal.destroyForcibly();
      pump.join(10_000);
    }
  }

  /**
   * Asks the lookup service on its default port about the customers who entered an audience, as
   * the sample curl run-local.sh prints does, until one is answered with a state (a customer may
   * have left again, and the service follows the commits a little behind the printed lines).
   */
  private static String lookupAnswersForAnEnteredCustomer(List<String> lines, long deadline)
      throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    while (System.nanoTime() < deadline) {
      List<String> entered;
      synchronized (lines) {
        entered = lines.stream().filter(line -> isDecision(line) && line.contains(" ENTERED "))
            .map(line -> line.split("\\s+")[1]).distinct().toList();
      }
      for (String customer : entered) {
        try {
          HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:8088/customers/" + customer)).build(),
              HttpResponse.BodyHandlers.ofString());
          if (answer.statusCode() == 200) {
            return answer.body();
          }
        } catch (java.io.IOException notYetListening) {
          break;
        }
      }
      Thread.sleep(1_000);
    }
    return "no answer before the deadline";
  }

  /** The pump thread appends meanwhile: a stream over the list must hold its lock. */
  private static boolean printedDecision(List<String> lines) {
    synchronized (lines) {
      return lines.stream().anyMatch(LocalClusterITCase::isDecision);
    }
  }

  private static boolean isDecision(String line) {
    return line.matches(
        "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z  \\S+  (ENTERED|EXITED|SUPPRESS|RELEASE) .*");
  }
}
