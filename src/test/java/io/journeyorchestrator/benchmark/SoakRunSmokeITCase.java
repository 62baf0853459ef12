package io.journeyorchestrator.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the soak run works end to end at tiny sizes: paced load, a report line per interval with
 * the latest checkpoint, the verdict and the per-state sizes, and --json's shape. Whether state is
 * bounded is what scripts/soak.sh itself judges over minutes; ten seconds of a tiny job cannot.
 */
class SoakRunSmokeITCase {
  @TempDir
  Path work;

  @Test
  void shouldReportCheckpointsStateAndAVerdictAsJson() throws Exception {
    CapturedRun run = CapturedRun.of(new SoakRun(), "--minutes", "0.4", "--customers", "2000",
        "--events", "40000", "--rate", "20000", "--report-seconds", "2", "--json",
        "--events-dir", work.resolve("events").toString(),
        "--work-dir", work.resolve("soak").toString(),
        "-Dexecution.checkpointing.interval=2s");
    String output = run.output();
    int code = run.exitCode();

    assertThat(code).as(output).isIn(0, 1);
    assertThat(output).contains("Verdict: ").contains("State on disk at the end");
    JsonNode json = new ObjectMapper().readTree(run.lastLine());
    JsonNode samples = json.get("samples");
    assertThat(samples.size()).as(json.toString()).isGreaterThanOrEqualTo(8);
    JsonNode last = samples.get(samples.size() - 1);
    assertThat(last.get("events").asLong()).isBetween(300_000L, 520_000L);
    assertThat(last.get("checkpointId").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(last.get("stateBytes").asLong()).isPositive();
    assertThat(json.at("/verdict/plateau").isBoolean()).as(json.toString()).isTrue();
    assertThat(json.at("/verdict/endBytes").asLong()).isPositive();
    assertThat(json.at("/verdict/failedCheckpoints").asLong()).isZero();
    assertThat(json.get("stateOnDiskAtEnd").fieldNames()).toIterable()
        .contains("customer timeline and journey engine / timeline");
    // The process exit code follows the verdict.
    assertThat(code).isEqualTo(json.at("/verdict/plateau").asBoolean() ? 0 : 1);
  }
}
