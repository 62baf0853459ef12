package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.ConfigProblem;
import io.journeyorchestrator.config.InvalidJobException;
import io.journeyorchestrator.config.JobDefinition;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kafka-config}: writes the job's {@code kafka.properties}, secrets resolved, to a file
 * only its owner can read, for Kafka's own tools ({@code --command-config}), which run in
 * another JVM without the job's secret providers. The caller deletes the file when done.
 */
@Command(name = "kafka-config", mixinStandardHelpOptions = true,
    description = "Write the job's kafka.properties, with ${ENV_VAR} and ${file:/path} resolved,"
        + " to a properties file readable by its owner only (0600), for Kafka's tools.")
final class KafkaConfigCommand implements Callable<Integer> {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  @Option(names = "--job", required = true, paramLabel = "JOB_DIR", description = "Job folder")
  Path jobDir;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "File to write (created or replaced; its permissions are set to 0600 first)")
  Path output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    Optional<JobDefinition> job = ValidateCommand.loadOrReport(jobDir, err);
    if (job.isEmpty()) {
      return JourneyCli.INVALID;
    }
    Map<String, String> resolved;
    try {
      resolved = job.get().settings().kafkaClient().resolvedForAdmin();
    } catch (InvalidJobException e) {
      report(e, err);
      return JourneyCli.INVALID;
    }
    Properties properties = new Properties();
    properties.putAll(resolved);
    // Restricted before anything is written, so the secrets are never readable by others.
    if (Files.exists(output)) {
      Files.setPosixFilePermissions(output, OWNER_ONLY);
    } else {
      Files.createFile(output, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    try (Writer writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      properties.store(writer, "kafka.properties of " + jobDir + "; holds secrets, delete it");
    }
    return 0;
  }

  /** Whether every secret reference of the job resolves here; otherwise prints which do not. */
  static boolean resolvable(JobDefinition job, PrintWriter err) {
    try {
      job.settings().kafkaClient().checkResolvable();
      return true;
    } catch (InvalidJobException e) {
      report(e, err);
      return false;
    }
  }

  private static void report(InvalidJobException e, PrintWriter err) {
    for (ConfigProblem problem : e.problems()) {
      err.println(problem);
    }
    err.flush();
  }
}
