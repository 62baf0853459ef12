package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.ConfigProblem;
import io.journeyorchestrator.config.EventCatalog;
import io.journeyorchestrator.config.InvalidJobException;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate <job>}: loads the whole job folder and reports every problem. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a job folder: prints OK and counts, or one line per problem"
        + " (<file>:<line>: <problem>) and exits 2.")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "JOB_DIR", description = "The job folder, e.g. jobs/telecom-demo")
  Path jobDir;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<JobDefinition> job = loadOrReport(jobDir, out);
    job.ifPresent(j -> {
      out.println(j.summary());
      warnIfUnchecked(jobDir, j, out);
    });
    out.flush();
    return job.isPresent() ? 0 : JourneyCli.INVALID;
  }

  /**
   * Without events.yaml a condition can name event types and attributes that never occur and
   * still validate; say so (a warning, not a problem: the exit code stays 0).
   */
  static void warnIfUnchecked(Path jobDir, JobDefinition job, PrintWriter out) {
    for (ConfigProblem warning : job.warnings()) {
      out.println(warning);
    }
    if (job.catalogOptional().isEmpty()) {
      out.println(jobDir + ": warning: no " + EventCatalog.FILE + " catalog; conditions are not"
          + " checked against any event types or attributes (draft one with scripts/catalog.sh)");
      out.flush();
    }
  }

  /** Loads a job, or prints its problems one per line; shared by every command that runs a job. */
  static Optional<JobDefinition> loadOrReport(Path jobDir, PrintWriter err) {
    try {
      return Optional.of(JobLoader.load(jobDir));
    } catch (InvalidJobException e) {
      for (ConfigProblem problem : e.problems()) {
        err.println(problem);
      }
      err.flush();
      return Optional.empty();
    }
  }
}
