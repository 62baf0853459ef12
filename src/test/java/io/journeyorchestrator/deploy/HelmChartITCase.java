package io.journeyorchestrator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.testing.Scripts;
import io.journeyorchestrator.testing.Scripts.Result;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Proves scripts/check-helm.sh passes on the chart and fails on a bad type, field or version. */
class HelmChartITCase {
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

  private static Result checkHelm(String... helmArgs) throws Exception {
    return Scripts.run(Duration.ofMinutes(5), "scripts/check-helm.sh", helmArgs);
  }
}
