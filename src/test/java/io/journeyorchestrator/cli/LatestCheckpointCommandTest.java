package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Finding the checkpoint to resubmit a job from after its JobManager lost it. */
class LatestCheckpointCommandTest {
  @TempDir Path checkpoints;

  private void checkpoint(String jobId, int n, boolean complete) throws Exception {
    Path dir = Files.createDirectories(checkpoints.resolve(jobId).resolve("chk-" + n));
    if (complete) {
      Files.writeString(dir.resolve("_metadata"), "metadata");
    }
  }

  @Test
  void shouldTakeTheHighestCompleteCheckpointOfTheNewestJobThatHasOne() throws Exception {
    checkpoint("old", 40, true);
    checkpoint("new", 9, true);
    checkpoint("new", 12, true);
    checkpoint("new", 13, false); // in progress when the JobManager died
    checkpoint("newest", 1, false);

    assertThat(LatestCheckpointCommand.latest(checkpoints, List.of("newest", "new", "old")))
        .contains(checkpoints.resolve("new/chk-12"));
    assertThat(LatestCheckpointCommand.latest(checkpoints, List.of("old")))
        .contains(checkpoints.resolve("old/chk-40"));
    assertThat(LatestCheckpointCommand.latest(checkpoints, List.of("newest", "missing")))
        .isEmpty();
  }

  @Test
  void shouldPrintTheUriOrExitThreeWhenThereIsNone() throws Exception {
    checkpoint("job", 5, true);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new JourneyCli());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("latest-checkpoint", "--checkpoints",
        checkpoints.toUri().toString(), "job")).isZero();
    assertThat(out.toString().strip()).isEqualTo(checkpoints.resolve("job/chk-5").toUri()
        .toString());
    assertThat(cli.execute("latest-checkpoint", "--checkpoints", checkpoints.toString(),
        "other")).isEqualTo(LatestCheckpointCommand.NONE);
    assertThat(err.toString()).contains("no complete checkpoint of job other");
    assertThat(cli.execute("latest-checkpoint", "--checkpoints", "s3://bucket/cp", "job"))
        .isEqualTo(JourneyCli.INVALID);
  }
}
