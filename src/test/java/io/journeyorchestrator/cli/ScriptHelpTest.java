package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.testing.Scripts;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The analysts' scripts answer -h and --help with their usage and exit 0, before any build. */
class ScriptHelpTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "scripts/validate.sh, --help, Usage: scripts/validate.sh jobs/<job>",
      "scripts/validate.sh, -h, Usage: scripts/validate.sh jobs/<job>",
      "scripts/replay.sh, --help,"
          + " Usage: scripts/replay.sh --job jobs/<job> --events <file.jsonl> --out <dir>",
      "scripts/replay.sh, -h,"
          + " Usage: scripts/replay.sh --job jobs/<job> --events <file.jsonl> --out <dir>"})
  void shouldPrintUsageAndExitZero(String script, String flag, String usage) throws Exception {
    Scripts.Result result = Scripts.run(Duration.ofSeconds(30), script, flag);

    assertThat(result.exitCode()).as(result.output()).isZero();
    // No log line ("[12:00:00] validate.sh: building ..."): nothing was built or started.
    assertThat(result.output().lines()).contains(usage).noneMatch(line -> line.startsWith("["));
  }
}
