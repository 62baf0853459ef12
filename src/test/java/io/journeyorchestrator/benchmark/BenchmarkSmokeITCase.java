package io.journeyorchestrator.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the benchmark runs end to end at tiny sizes (--smoke) and that --json's last line has
 * the documented shape; no timing is asserted (figures on a shared machine mean nothing here).
 */
class BenchmarkSmokeITCase {
  @TempDir
  Path work;

  @Test
  void shouldPrintEveryFigureAsJsonOnTheLastLine() throws Exception {
    CapturedRun benchmark = CapturedRun.of(new ThroughputBenchmark(),
        "--smoke", "--json", "--profile", "--work-dir", work.toString());
    String output = benchmark.output();

    assertThat(benchmark.exitCode()).as(output).isZero();
    assertThat(output).contains("Flink configuration: flink-conf/local/config.yaml")
        .contains("Profile (JFR");
    JsonNode json = new ObjectMapper().readTree(benchmark.lastLine());
    assertThat(json.at("/passThrough/eventsPerSecond").isNumber()).isTrue();
    assertThat(json.at("/sourceOnly/eventsPerSecond").isNumber()).isTrue();
    assertThat(json.at("/latencyMs/p50").isNumber()).as(json.toString()).isTrue();
    assertThat(json.at("/latencyMs/p99").isNumber()).isTrue();
    JsonNode runs = json.get("runs");
    assertThat(runs.isArray() && runs.size() > 0).as(json.toString()).isTrue();
    for (JsonNode run : runs) {
      assertThat(run.fieldNames()).toIterable().contains("name", "engine", "patterns",
          "eventsPerSecond", "ratio", "stateBytesPerCustomer", "events", "eventsPerCustomer");
      assertThat(run.get("engine").asText()).isIn("journey", "flink-cep");
      assertThat(run.get("stateBytesPerCustomer").asLong()).isPositive();
    }
    assertThat(runs.findValuesAsText("name")).contains("flink-cep-10", "journey-10-features");
  }
}
