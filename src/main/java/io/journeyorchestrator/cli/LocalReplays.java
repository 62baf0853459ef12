package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.job.ReplayJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.util.FileUtils;

/** How the analyst's commands (replay, explain) run a replay on this machine. */
final class LocalReplays {
  private LocalReplays() {}

  /**
   * Runs on a local MiniCluster with the heap state backend (a replay's state lives only as
   * long as the run), its raw output parts in a temporary folder under {@code partsParent}.
   *
   * @param tracedCustomer the customer whose journey to trace (explain), or null
   */
  static ReplayJob.Result run(JobDefinition job, String tracedCustomer, int parallelism,
      Path eventsFile,
      Optional<Instant> until, Path partsParent) throws Exception {
    return run(job, tracedCustomer, false, parallelism, eventsFile, until, partsParent);
  }

  /** @param stepFunnels whether the journey engine records step funnels (the report) */
  static ReplayJob.Result run(JobDefinition job, String tracedCustomer, boolean stepFunnels,
      int parallelism, Path eventsFile, Optional<Instant> until, Path partsParent)
      throws Exception {
    Configuration flink = new Configuration();
    flink.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    flink.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    ReplayJob replay = new ReplayJob(job, flink);
    if (stepFunnels) {
      replay = replay.withStepFunnels();
    }
    Files.createDirectories(partsParent);
    Path parts = Files.createTempDirectory(partsParent, ".parts-");
    try {
      return (tracedCustomer == null ? replay : replay.tracing(tracedCustomer))
          .run(eventsFile, until, parts);
    } finally {
      FileUtils.deleteDirectory(parts.toFile());
    }
  }
}
