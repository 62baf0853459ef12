package io.journeyorchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import io.journeyorchestrator.testing.MiniClusters;
import io.journeyorchestrator.testing.RandomJourneys;
import io.journeyorchestrator.testing.ReplayRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The journey engine decides exactly what Flink CEP decides, through the whole job: the same
 * matches, audience changes and suppressions, line for line, over random journeys (every step
 * kind, same-instant collisions, boundaries) and over the demo job's recorded events.
 */
class EngineDifferentialITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final List<String> DECISIONS =
      List.of(OutputLines.MATCHES, OutputLines.AUDIENCE_CHANGES, OutputLines.SUPPRESSIONS);

  @TempDir Path dir;

  private Path job(String name, String engine) {
    return RandomJourneys.job(JobFolder.in(dir.resolve(name)))
        .file("job.yaml", JobFolder.JOB_YAML + "engine: " + engine + "\n")
        .path();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 42, 2026})
  void shouldDecideWhatFlinkCepDecidesOverRandomJourneys(long seed) throws Exception {
    List<String> lines = RandomJourneys.lines(seed, 40, 60);
    ReplayJob.Result cep = ReplayRunner.replay(job("cep", "flink-cep"), dir, lines);
    ReplayJob.Result journey = ReplayRunner.replay(job("journey", "journey"), dir, lines);

    assertThat(ReplayRunner.json(cep, OutputLines.MATCHES)).as("the journeys match").hasSizeGreaterThan(500);
    for (String kind : DECISIONS) {
      assertThat(ReplayRunner.json(journey, kind)).as("%s, seed %d", kind, seed)
          .isEqualTo(ReplayRunner.json(cep, kind));
    }
  }

  @Test
  void shouldReplayTheDemoJobIdenticallyWithEitherEngine() throws Exception {
    // The demo as shipped runs on the default engine; the same folder with engine: flink-cep is
    // the reference.
    Path cepJob = dir.resolve("telecom-demo-on-flink-cep");
    FileUtils.copy(new org.apache.flink.core.fs.Path(Path.of("jobs/telecom-demo").toUri()),
        new org.apache.flink.core.fs.Path(cepJob.toUri()), false);
    Files.writeString(cepJob.resolve("job.yaml"), "engine: flink-cep\n",
        java.nio.file.StandardOpenOption.APPEND);
    List<String> events = Files.readAllLines(Path.of("jobs/telecom-demo/recorded-events.jsonl"));

    ReplayJob.Result cep = ReplayRunner.replay(cepJob, dir, events);
    ReplayJob.Result journey = ReplayRunner.replay(Path.of("jobs/telecom-demo"), dir, events);
    assertThat(ReplayRunner.json(cep, "matches")).as("the reference ran").isNotEmpty();

    for (String kind : DECISIONS) {
      assertThat(ReplayRunner.json(journey, kind)).as(kind).isEqualTo(ReplayRunner.json(cep, kind));
    }
  }
}
