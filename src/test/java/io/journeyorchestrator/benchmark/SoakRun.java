package io.journeyorchestrator.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The job graph under steady load for a while, with the shipped Flink configuration: is state
 * bounded, do checkpoints keep up? The benchmark's generated events go round (each lap shifted in
 * event time, with new event ids), so the same customers keep coming back, and state of a healthy
 * job stops growing once event time has gone past the longest time the job keeps anything (the
 * longest {@code within}, expiry plus cooldown, or dedup window) and one more lap. Each report line gives the
 * events and rate of the interval, how far the paced source is behind its schedule (backpressure),
 * and the latest completed checkpoint: duration, full state size, incremental size. The verdict
 * compares the state size at the end with the size once it filled.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "Steady load for N minutes: checkpoint duration and size, backpressure and state"
        + " size over time; fails if state keeps growing after every customer was seen.")
public final class SoakRun implements Callable<Integer> {
  @Option(names = "--minutes", description = "How long to run (default ${DEFAULT-VALUE})")
  double minutes = 30;

  @Option(names = "--rate", description = "Events per second, in total (default ${DEFAULT-VALUE},"
      + " about two thirds of the journey engine's rate in scripts/benchmark.sh)")
  double rate = 30_000;

  @Option(names = "--customers", description = "Customers (default ${DEFAULT-VALUE})")
  int customers = 200_000;

  @Option(names = "--events", description = "Events of one lap (default ${DEFAULT-VALUE}: 10 per"
      + " customer, as in the benchmark, and laps short enough that state fills within minutes)")
  long events = 2_000_000;

  @Option(names = "--seed", description = "Generator seed (default ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--report-seconds", description = "Seconds between report lines (default ${DEFAULT-VALUE})")
  double reportSeconds = 60;

  @Option(names = "--max-growth", description = "Largest state growth after state filled, in"
      + " percent, that still counts as a plateau (default ${DEFAULT-VALUE})")
  double maxGrowthPercent = 15;

  @Option(names = "--job", description = "Base job folder of the patterns (default ${DEFAULT-VALUE})")
  Path baseJob = Path.of("jobs/telecom-demo");

  @Option(names = "--flink-conf", description = "Folder of the config.yaml to run with (default ${DEFAULT-VALUE})")
  Path flinkConf = Path.of("flink-conf/local");

  @Option(names = "-D", description = "Flink option key=value over the config file")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--events-dir", description = "Where the generated events are kept, shared with"
      + " the benchmark (default ${DEFAULT-VALUE})")
  Path eventsDir = Path.of(".local/benchmark");

  @Option(names = "--work-dir", description = "Job folder, RocksDB and checkpoints (default ${DEFAULT-VALUE})")
  Path workDir = Path.of(".local/soak");

  @Option(names = "--json", description = "Print the samples and verdict as one JSON object, as the last line")
  boolean json;

  private static final int PARALLELISM = ThroughputBenchmark.PARALLELISM;

  /** What a run saw: its report lines, and RocksDB's estimate per operator and state at its end. */
  record Run(List<Sample> samples, Map<String, Long> stateOnDisk) {}

  /** One report line. */
  record Sample(double seconds, long events, double eventsPerSecond, double behindSeconds,
      long checkpointId, long checkpointMillis, long stateBytes, long checkpointedBytes,
      long failedCheckpoints, long heapMegabytes) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new SoakRun()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    workDir = workDir.toAbsolutePath();
    eventsDir = eventsDir.toAbsolutePath();
    Files.createDirectories(workDir);
    // The run deletes and reuses its RocksDB and checkpoint folders: one run per folder.
    try (FileChannel lockFile = FileChannel.open(workDir.resolve(".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        System.err.println("another soak run is using " + workDir + "; give this one its own"
            + " --work-dir");
        return 2;
      }
      return runLocked();
    }
  }

  private int runLocked() throws Exception {
    BenchmarkSetup.deleteRecursively(workDir.resolve("rocksdb"));
    Map<String, String> settings = new LinkedHashMap<>();
    // RocksDB's own estimate of each state's data, read in this JVM: what holds the bytes.
    settings.put("metrics.reporters", "soak");
    settings.put("metrics.reporter.soak.factory.class", InJvmMetrics.class.getName());
    settings.put("state.backend.rocksdb.metrics.estimate-live-data-size", "true");
    settings.putAll(overrides);
    Configuration config = BenchmarkSetup.flinkConfiguration(flinkConf, workDir, settings);
    Path checkpoints = workDir.resolve("checkpoints");
    BenchmarkSetup.deleteRecursively(checkpoints);
    config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    config.set(CheckpointingOptions.SAVEPOINT_DIRECTORY,
        checkpoints.resolve("savepoints").toUri().toString());
    BenchmarkEvents store = BenchmarkEvents.obtain(eventsDir, customers, events, PARALLELISM, seed);
    Path file = BenchmarkEvents.file(eventsDir, customers, events, PARALLELISM, seed);
    JobDefinition job = PatternVariations.write(baseJob, 10, workDir.resolve("jobs/patterns-10"));
    double lapSeconds = store.events() / rate;
    long retention = longestRetentionMillis(job);
    // Until event time has gone past the longest time the job keeps anything, state still fills.
    long warmUpLaps = retention / (store.span + 1) + 2;
    double warmUpSeconds = warmUpLaps * lapSeconds;
    System.out.printf("Soak: %.0f min at %,.0f events/s, %,d customers; a lap of %,d events (%.1f"
            + " days of event time) takes %.0f s; the job keeps state for up to %.1f days, so"
            + " state fills for %d laps (%.0f s)%n", minutes, rate, store.customers,
        store.events(), store.span / 86_400_000.0, lapSeconds, retention / 86_400_000.0,
        warmUpLaps, warmUpSeconds);

    Run run = run(config, file, job);
    Verdict verdict = Verdict.of(run.samples(), warmUpSeconds, maxGrowthPercent);
    System.out.println(verdict.describe());
    System.out.println("State on disk at the end, by operator and state (RocksDB's estimate of live"
        + " data, which counts values deleted since the last compaction):");
    run.stateOnDisk().forEach((state, bytes) -> System.out.printf("  %-70s %,12d%n", state, bytes));
    if (json) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("minutes", minutes);
      report.put("rate", rate);
      report.put("customers", store.customers);
      report.put("lapSeconds", Math.round(lapSeconds));
      report.put("samples", run.samples());
      report.put("verdict", verdict);
      report.put("stateOnDiskAtEnd", run.stateOnDisk());
      System.out.println(new ObjectMapper().writeValueAsString(report));
    }
    return verdict.plateau() == Boolean.FALSE ? 1 : 0;
  }

  /** The longest event time the job keeps anything for: partial matches, memberships, ids. */
  static long longestRetentionMillis(JobDefinition job) {
    long longest = job.settings().dedupWindow().toMillis();
    for (PatternDefinition pattern : job.patterns()) {
      if (pattern.within() != null) {
        longest = Math.max(longest, pattern.within().toMillis());
      }
    }
    for (AudienceDefinition audience : job.audiences()) {
      long expiry = audience.expireAfterOptional().map(Duration::toMillis).orElse(0L);
      long cooldown = audience.cooldownOptional().map(Duration::toMillis).orElse(0L);
      longest = Math.max(longest, expiry + cooldown);
    }
    return longest;
  }

  private Run run(Configuration config, Path file, JobDefinition job) throws Exception {
    MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder()
        .setConfiguration(config).setNumTaskManagers(1).setNumSlotsPerTaskManager(PARALLELISM)
        .build();
    List<Sample> samples = new ArrayList<>();
    try (MiniCluster mini = new MiniCluster(cluster)) {
      mini.start();
      StreamExecutionEnvironment env = new StreamExecutionEnvironment(config);
      ThroughputBenchmark.discard(ThroughputBenchmark.topology(job,
              ThroughputBenchmark.Engine.JOURNEY).orElseThrow()
          .build(ThroughputBenchmark.source(env, file, 0, 1, minutes * 60, rate, false, job)), null);
      RunProgress progress = RunProgress.begin(0, PARALLELISM);
      JobID jobId = mini.submitJob(env.getStreamGraph()).get().getJobID();
      System.out.printf("%8s %12s %9s %8s %7s %9s %12s %12s %6s %7s%n", "time", "events",
          "events/s", "behind", "ckpt", "ckpt ms", "state", "incremental", "failed", "heap*");
      System.out.println("  (behind: how far the paced source is behind its schedule, i.e."
          + " backpressure; ckpt: the latest completed checkpoint; state: its full size;"
          + " heap*: heap in use after the latest garbage collection)");
      long started = System.nanoTime();
      long lastEvents = 0;
      double lastSeconds = 0;
      long nextReport = started + (long) (reportSeconds * 1e9);
      while (!progress.done()) {
        JobStatus status = mini.getJobStatus(jobId).get();
        if (status.isGloballyTerminalState()) {
          Throwable cause = mini.requestJobResult(jobId).get().getSerializedThrowable()
              .map(t -> (Throwable) t).orElse(null);
          throw new IllegalStateException("soak: job ended " + status, cause);
        }
        long now = System.nanoTime();
        if (now >= nextReport) {
          double seconds = (now - started) / 1e9;
          long total = progress.total();
          Sample sample = sample(mini, jobId, seconds, total,
              (total - lastEvents) / (seconds - lastSeconds));
          samples.add(sample);
          print(sample);
          lastEvents = total;
          lastSeconds = seconds;
          nextReport += (long) (reportSeconds * 1e9);
        }
        Thread.sleep(100);
      }
      Map<String, Long> stateOnDisk = liveDataByState();
      mini.cancelJob(jobId).get();
      return new Run(samples, stateOnDisk);
    }
  }

  /** Per "operator / state", summed over subtasks; states with nothing left out. */
  private static Map<String, Long> liveDataByState() {
    Map<String, Long> perState = new TreeMap<>();
    InJvmMetrics.byPrefix(".rocksdb_estimate-live-data-size").forEach((id, bytes) -> {
      // <host>.taskmanager.<tm>.<job id>.<job name>.<operator>.<subtask>.<state>
      String[] parts = id.split("\\.");
      if (parts.length >= 3 && bytes > 0) {
        perState.merge(parts[parts.length - 3] + " / " + parts[parts.length - 1], bytes, Long::sum);
      }
    });
    return perState;
  }

  private Sample sample(MiniCluster mini, JobID job, double seconds, long total, double interval)
      throws Exception {
    CheckpointStatsSnapshot stats = mini.getExecutionGraph(job).get().getCheckpointStatsSnapshot();
    CompletedCheckpointStats latest = stats.getHistory().getLatestCompletedCheckpoint();
    // With warm-up 0, counting starts with the first reader: the source's own clock.
    double paced = RunProgress.current().secondsCounted(System.nanoTime());
    return new Sample(seconds, total, interval, Math.max(0, paced - total / rate),
        latest == null ? 0 : latest.getCheckpointId(),
        latest == null ? 0 : latest.getEndToEndDuration(),
        latest == null ? 0 : latest.getStateSize(),
        latest == null ? 0 : latest.getCheckpointedSize(),
        stats.getCounts().getNumberOfFailedCheckpoints(),
        heapAfterLastCollection() >> 20);
  }

  /** Heap in use right after the latest garbage collection: what live objects hold. */
  private static long heapAfterLastCollection() {
    long used = 0;
    for (MemoryPoolMXBean pool
        : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && afterGc != null) {
        used += afterGc.getUsed();
      }
    }
    return used;
  }

  private static void print(Sample s) {
    System.out.printf("%7.0fs %,12d %,9.0f %7.1fs %7d %,9d %,12d %,12d %6d %6dm%n", s.seconds(),
        s.events(), s.eventsPerSecond(), s.behindSeconds(), s.checkpointId(),
        s.checkpointMillis(), s.stateBytes(), s.checkpointedBytes(), s.failedCheckpoints(),
        s.heapMegabytes());
  }

  /**
   * Whether state stopped growing: the full state size of the last samples against that of the
   * first samples after state filled (before then, customers are still arriving and kept state
   * has not reached its age limit). Null when the
   * run was too short to tell: it needs three samples after state filled.
   */
  record Verdict(Boolean plateau, long filledBytes, long middleBytes, long endBytes,
      double growthPercent, long failedCheckpoints, double worstBehindSeconds, String reason) {
    static Verdict of(List<Sample> samples, double warmUpSeconds, double maxGrowthPercent) {
      // Checkpoints triggered while tasks are still starting fail and count; later ones matter.
      long failed = samples.stream().filter(sample -> sample.checkpointId() > 0).findFirst()
          .map(first -> samples.get(samples.size() - 1).failedCheckpoints()
              - first.failedCheckpoints())
          .orElse(samples.isEmpty() ? 0 : samples.get(samples.size() - 1).failedCheckpoints());
      double behind = samples.stream().mapToDouble(Sample::behindSeconds).max().orElse(0);
      List<Sample> settled = samples.stream()
          .filter(s -> s.seconds() >= warmUpSeconds && s.stateBytes() > 0).toList();
      if (settled.size() < 3) {
        return new Verdict(null, 0, 0, 0, 0, failed, behind, "too short to tell: "
            + settled.size() + " sample(s) after state filled (" + Math.round(warmUpSeconds)
            + " s); run longer, with fewer events per lap, or report more often");
      }
      // A checkpoint's full size is that of RocksDB's files, which hold overwritten values until
      // a compaction merges them: it swings up to twice the live data. Its floor between
      // compactions follows the live data, so compare the smallest size of the first third
      // after the lap with that of the last third.
      int third = Math.max(1, settled.size() / 3);
      long first = floor(settled.subList(0, third));
      long middle = floor(settled.subList(third, Math.max(third + 1, settled.size() - third)));
      long end = floor(settled.subList(settled.size() - third, settled.size()));
      double growth = 100.0 * (end - first) / first;
      boolean plateau = growth <= maxGrowthPercent;
      return new Verdict(plateau, first, middle, end, Math.round(growth * 10) / 10.0, failed,
          behind, plateau ? "state bounded" : "state grew " + Math.round(growth) + " % after"
              + " it filled, more than " + maxGrowthPercent + " %");
    }

    private static long floor(List<Sample> samples) {
      return samples.stream().mapToLong(Sample::stateBytes).min().orElse(0);
    }

    String describe() {
      if (plateau == null) {
        return "Verdict: " + reason;
      }
      return String.format("Verdict: %s. Full state (smallest of each third after it filled):"
              + " %,d bytes, then %,d, at the end %,d (%+.1f %%); failed checkpoints since the first completed %d; source at most %.1f s behind its"
              + " schedule", reason, filledBytes, middleBytes, endBytes, growthPercent,
          failedCheckpoints, worstBehindSeconds);
    }
  }
}
