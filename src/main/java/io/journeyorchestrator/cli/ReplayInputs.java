package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.JobDefinition;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** What replay and explain both run on: a job folder, a recorded events file, an end of time. */
final class ReplayInputs {
  @Option(names = "--job", required = true, description = "Job folder, e.g. jobs/telecom-demo")
  Path jobDir;

  @Option(names = "--events", required = true, description = "Events file (.jsonl)")
  Path eventsFile;

  @Option(names = "--until", converter = InstantConverter.class,
      description = "Stop time at this ISO-8601 instant, e.g. 2026-03-09T00:00:00Z"
          + " (default: the newest event)")
  Instant until;

  @Option(names = "--parallelism", defaultValue = "2",
      description = "Parallelism of the local run (results do not depend on it)")
  int parallelism;

  /** The job folder, validated, once the events file is found; empty after saying why not. */
  Optional<JobDefinition> load(PrintWriter err) {
    Optional<JobDefinition> job = ValidateCommand.loadOrReport(jobDir, err);
    if (job.isEmpty()) {
      return job;
    }
    ValidateCommand.warnIfUnchecked(jobDir, job.get(), err);
    if (!Files.isRegularFile(eventsFile)) {
      err.println(eventsFile + ": events file not found");
      err.flush();
      return Optional.empty();
    }
    return job;
  }

  Optional<Instant> untilOptional() {
    return Optional.ofNullable(until);
  }

  static final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' is not an ISO-8601 instant such as 2026-03-09T00:00:00Z");
      }
    }
  }
}
