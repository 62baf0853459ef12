package io.journeyorchestrator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code latest-checkpoint}: the newest complete retained checkpoint of a job, for resubmitting
 * it after its JobManager lost it (no high availability). Flink keeps retained checkpoints as
 * {@code <checkpoint dir>/<job id>/chk-<n>/_metadata}; a checkpoint without {@code _metadata}
 * never completed. Job ids come newest first (each submission of a job folder gets a new one and
 * starts from the state of the one before), so the first id with a complete checkpoint holds
 * the newest state, and its highest {@code n} is the latest. Exit 0 with the checkpoint's URI on
 * stdout; 3 when there is none.
 */
@Command(name = "latest-checkpoint", mixinStandardHelpOptions = true,
    description = "Print the newest complete retained checkpoint of the given job ids.")
final class LatestCheckpointCommand implements Callable<Integer> {
  static final int NONE = 3;
  private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

  @Option(names = "--checkpoints", required = true,
      description = "The cluster's execution.checkpointing.dir (a local path or file:// URI)")
  String checkpoints;

  @Parameters(arity = "1..*", paramLabel = "JOB_ID", description = "Job ids, newest first")
  List<String> jobIds;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (checkpoints.contains("://") && !checkpoints.startsWith("file:")) {
      err.println(checkpoints + ": only local checkpoint folders can be searched here; find the"
          + " newest chk-<n> with a _metadata file under <dir>/<job id>/ and pass it to"
          + " --from-savepoint");
      err.flush();
      return JourneyCli.INVALID;
    }
    Path dir = checkpoints.startsWith("file:") ? Path.of(URI.create(checkpoints))
        : Path.of(checkpoints);
    Optional<Path> latest = latest(dir, jobIds);
    if (latest.isEmpty()) {
      err.println("no complete checkpoint of job " + String.join(", ", jobIds) + " under " + dir);
      err.flush();
      return NONE;
    }
    out.println(latest.get().toUri());
    out.flush();
    return 0;
  }

  static Optional<Path> latest(Path checkpointDir, List<String> jobIdsNewestFirst)
      throws IOException {
    for (String jobId : jobIdsNewestFirst) {
      Path jobDir = checkpointDir.resolve(jobId);
      if (!Files.isDirectory(jobDir)) {
        continue;
      }
      try (Stream<Path> children = Files.list(jobDir)) {
        Optional<Path> newest = children
            .filter(child -> CHECKPOINT.matcher(child.getFileName().toString()).matches())
            .filter(child -> Files.isRegularFile(child.resolve("_metadata")))
            .max(Comparator.comparingLong(LatestCheckpointCommand::number));
        if (newest.isPresent()) {
          return newest;
        }
      }
    }
    return Optional.empty();
  }

  private static long number(Path checkpoint) {
    Matcher matcher = CHECKPOINT.matcher(checkpoint.getFileName().toString());
    return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
  }
}
