package io.journeyorchestrator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Proves scripts/check-helm.sh passes on the chart and fails on a bad type, field or version. */
class HelmChartITCase {
  /** Maven runs integration tests from the repository root. */
  private static final Path REPO = Path.of("").toAbsolutePath();
  private static final long TIMEOUT_MINUTES = 5;

  @Test
  void shouldPassCheckHelm() throws Exception {
    Result result = checkHelm();

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("check-helm: all checks passed")
        .contains("FlinkDeployment/journey")
        .contains("mounted unchanged at /opt/journey/job")
        .doesNotContain("FAIL");
  }

  @Test
  void shouldRejectWrongTypeUnknownFieldAndUnsupportedFlinkVersion() throws Exception {
    Result result = checkHelm(
        "--set", "job.parallelism=two",
        "--set", "flinkVersion=v2_9",
        "--set-json", "storage.volume={\"persistentVolumeClam\":{\"claimName\":\"x\"}}");

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output())
        .contains("/spec/job/parallelism must be integer")
        .contains("/spec/flinkVersion must be equal to one of the allowed values")
        .contains("unknown field \"persistentVolumeClam\"");
  }

  private record Result(int exitCode, String output) {}

  /** Runs scripts/check-helm.sh, echoing its output as it comes and keeping it for assertions. */
  private static Result checkHelm(String... helmArgs) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", "scripts/check-helm.sh"));
    command.addAll(List.of(helmArgs));
    Process process = new ProcessBuilder(command)
        .directory(REPO.toFile())
        .redirectErrorStream(true)
        .start();
    process.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    Thread pump = new Thread(() -> {
      try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
        String line;
        while ((line = reader.readLine()) != null) {
          System.out.println(line);
          synchronized (output) {
            output.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    pump.start();
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("scripts/check-helm.sh did not finish within " + TIMEOUT_MINUTES
          + " minutes:\n" + output);
    }
    pump.join(10_000);
    synchronized (output) {
      return new Result(process.exitValue(), output.toString());
    }
  }
}
