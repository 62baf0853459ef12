package io.journeyorchestrator.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/** What the benchmark and the soak run share: the shipped Flink configuration, and clean-up. */
final class BenchmarkSetup {
  private BenchmarkSetup() {}

  /**
   * The shipped file with only paths and ports made fit for this JVM, plus any -D overrides;
   * prints what it runs with.
   */
  static Configuration flinkConfiguration(Path flinkConf, Path workDir,
      Map<String, String> overrides) throws IOException {
    Path yaml = flinkConf.resolve("config.yaml");
    if (!Files.exists(yaml)) {
      throw new IllegalArgumentException("no " + yaml);
    }
    Configuration config = GlobalConfiguration.loadConfiguration(flinkConf.toString());
    Map<String, String> set = new LinkedHashMap<>();
    set.put(RocksDBOptions.LOCAL_DIRECTORIES.key(), workDir.resolve("rocksdb").toString());
    set.put(RestOptions.BIND_PORT.key(), "0");
    set.put("metrics.reporters", "none"); // no Prometheus port to find or clash over
    set.putAll(overrides);
    set.forEach(config::setString);
    System.out.printf("Flink configuration: %s, with %s%n", yaml, set.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
    System.out.printf("  parallelism %d, %s state, timers %s, object reuse %s, max parallelism %d,"
            + " checkpoints every %s (incremental %s), managed memory %s%n",
        config.get(CoreOptions.DEFAULT_PARALLELISM), config.get(StateBackendOptions.STATE_BACKEND),
        config.get(RocksDBOptions.TIMER_SERVICE_FACTORY), config.get(PipelineOptions.OBJECT_REUSE),
        config.get(PipelineOptions.MAX_PARALLELISM),
        config.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).map(Object::toString).orElse("never"),
        config.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS),
        config.getOptional(TaskManagerOptions.MANAGED_MEMORY_SIZE).map(Object::toString).orElse("default"));
    return config;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
