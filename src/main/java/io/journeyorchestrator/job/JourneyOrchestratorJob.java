package io.journeyorchestrator.job;

import io.journeyorchestrator.config.ConfigProblem;
import io.journeyorchestrator.config.InvalidJobException;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobLoader;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the job jar: validates the job folder, then runs the Kafka job, on the cluster
 * it was submitted to or, with {@code --local}, on an embedded MiniCluster with the web UI.
 */
@Command(name = "journey-orchestrator", mixinStandardHelpOptions = true,
    description = "Run a job folder between Kafka topics on Apache Flink.")
public final class JourneyOrchestratorJob implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(JourneyOrchestratorJob.class);

  @Option(names = "--job", required = true,
      description = "Job folder: a path, or jobs/<name> packed in the jar")
  String job;

  @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (overrides job.yaml)")
  String bootstrapServers;

  @Option(names = "--local", description = "Run on an embedded MiniCluster with the web UI")
  boolean local;

  @Option(names = "--flink-conf", defaultValue = "flink-conf/local",
      description = "Folder with config.yaml for --local (default: ${DEFAULT-VALUE})")
  Path flinkConf;

  @Option(names = "-D", mapFallbackValue = "", description = "Flink configuration key=value")
  Map<String, String> flinkOptions = Map.of();

  /**
   * Never calls System.exit: on a cluster this main() runs inside the JobManager (REST submit),
   * where an exit would stop the JobManager. Bad arguments and an invalid job folder throw, which
   * fails the submission with the message, and a command line exits non-zero.
   */
  public static void main(String[] args) throws Exception {
    CommandLine commandLine = new CommandLine(new JourneyOrchestratorJob());
    CommandLine.ParseResult parsed = commandLine.parseArgs(args);
    if (CommandLine.printHelpIfRequested(parsed)) {
      return;
    }
    commandLine.<JourneyOrchestratorJob>getCommand().call();
  }

  @Override
  public Integer call() throws Exception {
    JobDefinition definition;
    try {
      definition = JobLoader.load(resolveJobFolder(job));
      // Only here, not in validate or replay, which run without Kafka on an analyst's machine.
      definition.settings().kafkaClient().checkResolvable();
      if (definition.settings().schemaRegistry() != null) {
        definition.settings().schemaRegistry().checkResolvable();
      }
    } catch (InvalidJobException e) {
      for (ConfigProblem problem : e.problems()) {
        System.err.println(problem);
      }
      throw new IllegalArgumentException("invalid job folder " + job + ":\n" + e.getMessage(), e);
    }
    if (bootstrapServers != null) {
      definition = definition.withSettings(
          definition.settings().withBootstrapServers(bootstrapServers));
    }
    KafkaPreflight.check(definition.settings());
    Configuration config = local ? localConfiguration() : new Configuration();
    flinkOptions.forEach(config::setString);
    StreamExecutionEnvironment env = local
        ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(config)
        : StreamExecutionEnvironment.getExecutionEnvironment(config);
    if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
      // Exactly-once output only becomes visible at checkpoints; without them nothing would be.
      LOG.warn("Checkpointing is not configured; enabling it every 10 s");
      env.enableCheckpointing(10_000);
    }
    new KafkaJourneyJob(definition).attachTo(env);
    LOG.info("Starting job {} reading {} from {} with Kafka {}", definition.settings().name(),
        definition.settings().topics().events(), definition.settings().bootstrapServers(),
        definition.settings().kafkaClient());
    env.execute("journey-orchestrator " + definition.settings().name());
    return 0;
  }

  /** flink-conf/local, with relative folders made absolute against the working directory. */
  private Configuration localConfiguration() throws IOException {
    Configuration config = GlobalConfiguration.loadConfiguration(flinkConf.toString());
    absolutize(config, CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(), true);
    absolutize(config, CheckpointingOptions.SAVEPOINT_DIRECTORY.key(), true);
    absolutize(config, "state.backend.rocksdb.localdir", false);
    return config;
  }

  private static void absolutize(Configuration config, String key, boolean asUri)
      throws IOException {
    String dir = config.getString(key, null);
    if (dir == null || dir.contains("://") || dir.startsWith("/")) {
      return;
    }
    Path absolute = Files.createDirectories(Path.of(dir).toAbsolutePath());
    config.setString(key, asUri ? absolute.toUri().toString() : absolute.toString());
  }

  /** A path on disk, else a job folder packed into the jar under the same relative path. */
  static Path resolveJobFolder(String job) throws IOException {
    Path onDisk = Path.of(job);
    if (Files.isDirectory(onDisk)) {
      return onDisk;
    }
    URL packed = JourneyOrchestratorJob.class.getClassLoader()
        .getResource(job.replaceAll("/+$", "") + "/job.yaml");
    if (packed == null) {
      return onDisk;
    }
    URI uri = URI.create(packed.toString());
    if ("jar".equals(uri.getScheme())) {
      try {
        FileSystems.newFileSystem(uri, Collections.emptyMap());
      } catch (FileSystemAlreadyExistsException alreadyOpen) {
        // fine: another lookup opened the jar
      }
    }
    return Path.of(uri).getParent();
  }
}
