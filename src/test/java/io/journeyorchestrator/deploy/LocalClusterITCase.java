package io.journeyorchestrator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.testing.Scripts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The scripts data engineers use, for real: a local Kafka broker from Maven jars, and a savepoint
 * upgrade of the demo job on a standalone Flink cluster with exact output checks.
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
}
