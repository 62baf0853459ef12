package io.journeyorchestrator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.journeyorchestrator.engine.JourneyEngineRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Proves flink-conf/local, flink-conf/cluster and the Helm chart set the same performance options
 * (the ones scripts/benchmark.sh measures with), under key names Flink 2.2 knows, and that no job
 * code overrides them.
 */
class FlinkPerformanceOptionsTest {
  /** Keys come from Flink's option classes, so a renamed key fails to compile or to match. */
  private static final List<ConfigOption<?>> PERFORMANCE_OPTIONS = List.of(
      PipelineOptions.OBJECT_REUSE,
      PipelineOptions.MAX_PARALLELISM,
      PipelineOptions.GENERIC_TYPES,
      PipelineOptions.AUTO_WATERMARK_INTERVAL,
      StateBackendOptions.STATE_BACKEND,
      RocksDBOptions.TIMER_SERVICE_FACTORY,
      RocksDBOptions.PREDEFINED_OPTIONS,
      RocksDBOptions.USE_MANAGED_MEMORY,
      RocksDBConfigurableOptions.USE_BLOOM_FILTER,
      CheckpointingOptions.INCREMENTAL_CHECKPOINTS,
      CheckpointingOptions.CHECKPOINTING_INTERVAL,
      JourneyEngineRuntime.ACTIVE_CUSTOMERS,
      JourneyEngineRuntime.WRITE_BACK_AFTER);

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path CHART = ROOT.resolve("helm/journey-orchestrator");

  @TempDir
  Path work;

  @Test
  void shouldSetTheSamePerformanceOptionsLocallyOnTheClusterAndInTheChart() throws IOException {
    Configuration local = GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf/local").toString());
    Configuration cluster = GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf/cluster").toString());
    Configuration chart = chartConfiguration();

    for (ConfigOption<?> option : PERFORMANCE_OPTIONS) {
      assertThat(local.containsKey(option.key())).as("flink-conf/local sets %s", option.key()).isTrue();
      assertThat(cluster.get(option)).as("flink-conf/cluster %s", option.key()).isEqualTo(local.get(option));
      assertThat(chart.get(option)).as("Helm chart %s", option.key()).isEqualTo(local.get(option));
    }
    assertThat(local.get(PipelineOptions.OBJECT_REUSE)).isTrue();
    assertThat(local.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(local.get(PipelineOptions.MAX_PARALLELISM)).isPositive();
    assertThat(local.get(PipelineOptions.GENERIC_TYPES)).as("Kryo fallback refused").isFalse();
  }

  @Test
  void shouldGiveRocksDbTheSameManagedMemoryEverywhere() throws IOException {
    Configuration local = GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf/local").toString());
    Configuration cluster = GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf/cluster").toString());
    Configuration chart = chartConfiguration();

    assertThat(chart.get(TaskManagerOptions.MANAGED_MEMORY_FRACTION))
        .isEqualTo(cluster.get(TaskManagerOptions.MANAGED_MEMORY_FRACTION));
    // A MiniCluster ignores the fraction: flink-conf/local sets the size a cluster TaskManager gets.
    MemorySize clusterManaged =
        TaskExecutorProcessUtils.processSpecFromConfig(cluster).getManagedMemorySize();
    assertThat(local.get(TaskManagerOptions.MANAGED_MEMORY_SIZE).getBytes())
        .isCloseTo(clusterManaged.getBytes(), within(1L << 20));
    // A MiniCluster has as many slots as the default parallelism: the same share per slot.
    assertThat(local.get(CoreOptions.DEFAULT_PARALLELISM))
        .isEqualTo(cluster.get(TaskManagerOptions.NUM_TASK_SLOTS));
  }

  /** Measured: about 820 bytes of live heap per customer on the heap (OPERATIONS.md, Sizing). */
  private static final long ACTIVE_CUSTOMER_HEAP_BYTES = 1024;

  @Test
  void shouldLeaveTheTaskHeapRoomForTheJourneyEnginesActiveCustomers() throws IOException {
    Configuration cluster = GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf/cluster").toString());
    Configuration chart = chartConfiguration();
    Map<String, Object> values = new Yaml().load(Files.readString(CHART.resolve("values.yaml")));
    @SuppressWarnings("unchecked")
    Object chartMemory = ((Map<String, Object>) values.get("taskManager")).get("memory");
    chart.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse(chartMemory.toString()));

    for (Configuration conf : List.of(cluster, chart)) {
      long needed = conf.get(TaskManagerOptions.NUM_TASK_SLOTS)
          * (long) conf.get(JourneyEngineRuntime.ACTIVE_CUSTOMERS) * ACTIVE_CUSTOMER_HEAP_BYTES;
      MemorySize taskHeap = TaskExecutorProcessUtils.processSpecFromConfig(conf).getTaskHeapSize();
      assertThat(taskHeap.getBytes())
          .as("task heap %s holds every slot's active customers (%s) with as much again to spare",
              taskHeap.toHumanReadableString(), new MemorySize(needed).toHumanReadableString())
          .isGreaterThanOrEqualTo(2 * needed);
    }
  }

  @Test
  void shouldNotOverrideThemInJobCode() throws IOException {
    Pattern override = Pattern.compile("getConfig\\(\\)|enableObjectReuse|setMaxParallelism"
        + "|OBJECT_REUSE|MAX_PARALLELISM|TIMER_SERVICE_FACTORY|timer-service|object-reuse"
        + "|max-parallelism|INCREMENTAL_CHECKPOINTS|enableCheckpointing\\((?!10_000\\))");
    List<String> hits = new ArrayList<>();
    try (Stream<Path> sources = Files.walk(ROOT.resolve("src/main/java"))) {
      for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          if (override.matcher(lines.get(i)).find()) {
            hits.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertThat(hits).isEmpty();
  }

  /**
   * The chart's flinkConfiguration helper rendered with values.yaml: control lines dropped (the
   * performance options sit outside every if), {@code .Values.x.y} looked up in values.yaml, then
   * values.yaml's flinkConfiguration merged over it as the FlinkDeployment template does.
   */
  private Configuration chartConfiguration() throws IOException {
    Map<String, Object> values = new Yaml().load(Files.readString(CHART.resolve("values.yaml")));
    String helpers = Files.readString(CHART.resolve("templates/_helpers.tpl"));
    int start = helpers.indexOf("{{- define \"journey-orchestrator.flinkConfiguration\" -}}");
    assertThat(start).as("flinkConfiguration helper in _helpers.tpl").isNotNegative();
    StringBuilder yaml = new StringBuilder();
    int depth = 0;
    boolean inComment = false;
    Pattern expression = Pattern.compile("\\{\\{[^}]*?\\.Values\\.([A-Za-z0-9_.]+)[^}]*}}");
    for (String line : helpers.substring(start).split("\n", -1)) {
      String trimmed = line.strip();
      if (inComment || trimmed.matches("\\{\\{-? */\\*.*")) {
        inComment = !trimmed.endsWith("*/}}");
        continue;
      }
      if (trimmed.matches("\\{\\{-? *(define|if|range|with)\\b.*")) {
        depth++;
        continue;
      }
      if (trimmed.matches("\\{\\{-? *end\\b.*")) {
        if (--depth == 0) {
          break;
        }
        continue;
      }
      if (trimmed.startsWith("{{") && trimmed.endsWith("}}")) {
        continue;
      }
      Matcher m = expression.matcher(line);
      StringBuilder rendered = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(rendered, Matcher.quoteReplacement(String.valueOf(lookUp(values, m.group(1)))));
      }
      m.appendTail(rendered);
      yaml.append(rendered).append('\n');
    }
    Map<String, Object> conf = new Yaml().load(yaml.toString());
    Object overrides = values.get("flinkConfiguration");
    if (overrides instanceof Map<?, ?> map && !map.isEmpty()) {
      deepMerge(conf, map);
    }
    Path dir = Files.createDirectories(work.resolve("chart-conf"));
    Files.writeString(dir.resolve("config.yaml"), new Yaml().dump(conf));
    return GlobalConfiguration.loadConfiguration(dir.toString());
  }

  private static Object lookUp(Map<String, Object> values, String path) {
    Object node = values;
    for (String part : path.split("\\.")) {
      node = node instanceof Map<?, ?> map ? map.get(part) : null;
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static void deepMerge(Map<String, Object> into, Map<?, ?> from) {
    from.forEach((k, v) -> {
      Object existing = into.get((String) k);
      if (existing instanceof Map<?, ?> e && v instanceof Map<?, ?> m) {
        deepMerge((Map<String, Object>) e, m);
      } else {
        into.put((String) k, v);
      }
    });
  }
}
