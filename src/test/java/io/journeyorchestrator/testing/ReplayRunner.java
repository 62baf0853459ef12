package io.journeyorchestrator.testing;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.job.ReplayJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;

/** Runs the production replay path over event lines, on the test's MiniCluster. */
public final class ReplayRunner {
  private ReplayRunner() {}

  public static ReplayJob.Result replay(Path jobDir, Path workDir, List<String> lines)
      throws Exception {
    return replay(jobDir, workDir, lines, Optional.empty());
  }

  public static ReplayJob.Result replay(Path jobDir, Path workDir, List<String> lines,
      Optional<Instant> until) throws Exception {
    JobDefinition job = JobLoader.load(jobDir);
    Path events = writeLines(workDir.resolve("events-" + System.nanoTime() + ".jsonl"), lines);
    Path parts = java.nio.file.Files.createTempDirectory(workDir, "parts-");
    return new ReplayJob(job, new Configuration()).run(events, until, parts);
  }

  public static Path writeLines(Path file, List<String> lines) throws IOException {
    Files.write(file, lines);
    return file;
  }

  /** The JSON lines of one output kind, in output order. */
  public static List<String> json(ReplayJob.Result result, String kind) {
    return result.of(kind).stream().map(OutputLine::getJson).toList();
  }
}
