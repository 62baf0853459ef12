package io.journeyorchestrator.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.job.EventTime;
import io.journeyorchestrator.job.JourneyTopology;
import io.journeyorchestrator.engine.JourneyEngineRuntime;
import io.journeyorchestrator.pattern.CepPatternRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark of scripts/benchmark.sh: the job graph against a pass-through over the same
 * pre-generated events, each run on its own MiniCluster in this JVM with the Flink configuration
 * the project ships (flink-conf/local/config.yaml: the file for one-JVM runs, with the same
 * performance options as flink-conf/cluster and the Helm chart).
 *
 * <p>Events are generated before any clock starts ({@link BenchmarkEvents}) and served from
 * memory by a parallel source ({@link PreGeneratedSource}); rates count the events after the
 * first {@code --warm-up-events} ({@link RunProgress}). Runs, in order: source only, pass-through
 * (source, keyBy customer, discard), then {@link #ENGINE_RUNS}, then the latency run at half the
 * main engine's rate. State per customer is the full size of a checkpoint taken after a run's
 * last event divided by the customers the run saw (every customer has state: its profile).
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "Throughput, state size and latency of the job graph against a pass-through.")
public final class ThroughputBenchmark implements Callable<Integer> {
  /** Which pattern engine a run measures. */
  enum Engine {
    /** The one-operator journey engine (issue 16); not in this build yet. */
    JOURNEY("journey"),
    /** Today's runtime: one Flink CEP operator per pattern, events routed per pattern. */
    FLINK_CEP("flink-cep");

    final String configName;

    Engine(String configName) {
      this.configName = configName;
    }
  }

  /**
   * One measured run of the job graph: {@code fewerEvents} chooses between the full and the CEP
   * size; {@code features} runs the pattern language's newer forms (a step window, an anyOrder
   * group) in two of the patterns ({@link PatternVariations#withFeatures}).
   */
  record EngineRun(String name, Engine engine, int patterns, boolean fewerEvents,
      boolean features) {
    EngineRun(String name, Engine engine, int patterns, boolean fewerEvents) {
      this(name, engine, patterns, fewerEvents, false);
    }

    /** The job folder this run measures, under the benchmark's {@code jobs/}. */
    String jobFolder() {
      return (features ? "features-" : "patterns-") + patterns;
    }
  }

  /**
   * The named runs, in order. The first wanted one of an available engine is the main one
   * (latency, profile).
   */
  static final List<EngineRun> ENGINE_RUNS = List.of(
      new EngineRun("journey-10", Engine.JOURNEY, 10, false),
      new EngineRun("flink-cep-10", Engine.FLINK_CEP, 10, true),
      new EngineRun("journey-100", Engine.JOURNEY, 100, false),
      new EngineRun("journey-10-features", Engine.JOURNEY, 10, false, true));

  @Option(names = "--customers", description = "Customers (default ${DEFAULT-VALUE})")
  int customers = 1_000_000;

  @Option(names = "--events", description = "Events (default ${DEFAULT-VALUE})")
  long events = 10_000_000;

  @Option(names = "--cep-events", description = "Events of the flink-cep runs, the first of every "
      + "shard (default ${DEFAULT-VALUE})")
  long cepEvents = 1_500_000;

  @Option(names = "--warm-up-events", description = "Events not counted at the start of each run "
      + "(default ${DEFAULT-VALUE})")
  long warmUpEvents = 1_000_000;

  @Option(names = "--min-seconds", description = "Source-only and pass-through go round the events "
      + "until at least this long (default ${DEFAULT-VALUE})")
  double minSeconds = 20;

  @Option(names = "--latency-seconds", description = "Length of the latency run (default ${DEFAULT-VALUE})")
  double latencySeconds = 30;

  @Option(names = "--seed", description = "Generator seed (default ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--runs", split = ",", description = "Runs to do, of source-only, pass-through, "
      + "journey-10, flink-cep-10, journey-100, journey-10-features, latency (default: all)")
  List<String> runs = List.of();

  @Option(names = "--job", description = "Base job folder of the patterns (default ${DEFAULT-VALUE})")
  Path baseJob = Path.of("jobs/telecom-demo");

  @Option(names = "--flink-conf", description = "Folder of the config.yaml to run with (default ${DEFAULT-VALUE})")
  Path flinkConf = Path.of("flink-conf/local");

  @Option(names = "-D", description = "Flink option key=value over the config file (to try alternatives)")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--work-dir", description = "Events, job folders, checkpoints (default ${DEFAULT-VALUE})")
  Path workDir = Path.of(".local/benchmark");

  @Option(names = "--smoke", description = "Tiny sizes, to check the benchmark works (figures mean nothing)")
  boolean smoke;

  @Option(names = "--json", description = "Print the results as one JSON object, as the last line")
  boolean json;

  @Option(names = "--profile", description = "Record JFR during the main engine run and print where the time goes")
  boolean profile;

  static final int PARALLELISM = 2;
  private Map<String, Object> report;

  public static void main(String[] args) {
    int code = new CommandLine(new ThroughputBenchmark()).execute(args);
    System.exit(code);
  }

  /** The results of the last {@link #call()}, as printed by {@code --json}. */
  Map<String, Object> report() {
    return report;
  }

  @Override
  public Integer call() throws Exception {
    if (smoke) {
      customers = 2_000;
      events = 40_000;
      cepEvents = 20_000;
      warmUpEvents = 4_000;
      minSeconds = 0;
      latencySeconds = 3;
    }
    workDir = workDir.toAbsolutePath();
    Configuration base = BenchmarkSetup.flinkConfiguration(flinkConf, workDir, overrides);
    if (base.get(CoreOptions.DEFAULT_PARALLELISM) != PARALLELISM) {
      throw new IllegalArgumentException("the benchmark runs at parallelism " + PARALLELISM);
    }

    BenchmarkEvents store = BenchmarkEvents.obtain(workDir, customers, events, PARALLELISM, seed);
    System.out.println("Workload: " + store.skew() + String.format("; %.1f days of event time",
        store.span / 86_400_000.0));
    Path file = BenchmarkEvents.file(workDir, customers, events, PARALLELISM, seed);
    Map<String, JobDefinition> jobs = new LinkedHashMap<>();
    for (EngineRun run : ENGINE_RUNS) {
      if (wanted(run.name()) && !jobs.containsKey(run.jobFolder())) {
        Path folder = workDir.resolve("jobs/" + run.jobFolder());
        jobs.put(run.jobFolder(), run.features()
            ? PatternVariations.withFeatures(baseJob, run.patterns(), folder)
            : PatternVariations.write(baseJob, run.patterns(), folder));
      }
    }
    System.out.println();

    List<Map<String, Object>> results = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Double sourceOnly = null;
    Double passThrough = null;
    JobDefinition anyJob = jobs.isEmpty()
        ? PatternVariations.write(baseJob, 10, workDir.resolve("jobs/patterns-10")) : jobs.values().iterator().next();
    int perShard = store.eventsPerShard();
    if (wanted("source-only")) {
      Result r = run("source-only", base, env -> source(env, file, 0, perShard, minSeconds, 0,
          false, anyJob).sinkTo(new DiscardingSink<>()), store.customers, false);
      sourceOnly = r.eventsPerSecond();
      print(r, null);
    }
    if (wanted("pass-through")) {
      Result r = run("pass-through", base, env -> source(env, file, 0, perShard, minSeconds, 0,
          false, anyJob).keyBy(InteractionEvent::getCustomerId).sinkTo(new DiscardingSink<>()),
          store.customers, false);
      passThrough = r.eventsPerSecond();
      print(r, null);
    }

    EngineRun main = ENGINE_RUNS.stream()
        .filter(r -> topology(anyJob, r.engine()).isPresent() && wanted(r.name()))
        .findFirst()
        .orElseGet(() -> ENGINE_RUNS.stream()
            .filter(r -> topology(anyJob, r.engine()).isPresent()).findFirst().orElseThrow());
    Result mainResult = null;
    for (EngineRun spec : ENGINE_RUNS) {
      if (!wanted(spec.name())) {
        continue;
      }
      JobDefinition job = jobs.get(spec.jobFolder());
      if (topology(job, spec.engine()).isEmpty()) {
        skipped.add(spec.name());
        System.out.printf("%s: skipped, engine '%s' is not in this build%n", spec.name(),
            spec.engine().configName);
        continue;
      }
      int runPerShard = spec.fewerEvents()
          ? (int) Math.min(perShard, cepEvents / PARALLELISM) : perShard;
      Profiler profiler = profile && spec.equals(main)
          ? new Profiler(workDir.resolve("profile-" + spec.name() + ".jfr")) : null;
      Result r = run(spec.name(), base, env -> discard(topology(job, spec.engine()).get()
          .build(source(env, file, 0, runPerShard, 0, 0, false, job)), null),
          store.customersIn(runPerShard), true);
      if (profiler != null) {
        profiler.report(15);
        profiler.close();
      }
      print(r, passThrough);
      if (spec.equals(main)) {
        mainResult = r;
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", spec.name());
      entry.put("engine", spec.engine().configName);
      entry.put("patterns", job.patterns().size());
      entry.put("eventsPerSecond", Math.round(r.eventsPerSecond()));
      entry.put("ratio", passThrough == null ? null : round(r.eventsPerSecond() / passThrough, 4));
      entry.put("stateBytesPerCustomer", Math.round(r.stateBytesPerCustomer()));
      entry.put("events", r.events());
      entry.put("eventsPerCustomer", round((double) r.events() / store.customers, 2));
      results.add(entry);
    }

    Map<String, Object> latency = null;
    if (wanted("latency")) {
      latency = latency(main, mainResult, jobs, anyJob, file, store, base);
    }

    report = new LinkedHashMap<>();
    report.put("sourceOnly", Map.of("eventsPerSecond", sourceOnly == null ? 0 : Math.round(sourceOnly)));
    report.put("passThrough", Map.of("eventsPerSecond", passThrough == null ? 0 : Math.round(passThrough)));
    report.put("runs", results);
    report.put("skipped", skipped);
    report.put("latencyMs", latency);
    report.put("workload", Map.of("customers", store.customers, "events", store.events(),
        "parallelism", PARALLELISM, "flinkConf", flinkConf.resolve("config.yaml").toString()));
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(report));
    }
    return 0;
  }

  /**
   * How a run's graph is built for an engine, or empty when the engine is not in this build.
   */
  static Optional<JourneyTopology> topology(JobDefinition job, Engine engine) {
    return switch (engine) {
      case FLINK_CEP -> Optional.of(new JourneyTopology(job, new CepPatternRuntime(true)));
      case JOURNEY -> Optional.of(new JourneyTopology(job, new JourneyEngineRuntime()));
    };
  }

  private Map<String, Object> latency(EngineRun main, Result mainResult,
      Map<String, JobDefinition> jobs, JobDefinition anyJob, Path file, BenchmarkEvents store,
      Configuration base) throws Exception {
    JobDefinition job = jobs.getOrDefault(main.jobFolder(), anyJob);
    double maxRate = mainResult != null ? mainResult.eventsPerSecond() : 0;
    if (maxRate <= 0) {
      System.out.println("latency: skipped, it needs the rate of " + main.name() + " (run it too)");
      return null;
    }
    double rate = maxRate / 2;
    // Start after the warm-up (past the profiles everybody starts with), for latencySeconds.
    int from = (int) Math.min(warmUpEvents / PARALLELISM, store.eventsPerShard() / 2);
    int perShard = (int) Math.min(store.eventsPerShard() - from,
        Math.max(1, rate * latencySeconds / PARALLELISM));
    Set<String> byTime = job.patterns().stream().filter(PatternDefinition::endsWithAbsence)
        .map(PatternDefinition::id).collect(Collectors.toSet());
    LatencyProbe.begin(store.events(), latencySeconds / 5);
    Result r = run("latency (" + main.name() + ")", base, env -> discard(topology(job,
            main.engine()).get().build(source(env, file, from, perShard, 0, rate, true, job)),
            new LatencySink(byTime)), store.customers, false);
    double p50 = LatencyProbe.quantileMillis(0.50);
    double p99 = LatencyProbe.quantileMillis(0.99);
    System.out.printf("latency: %s at %,.0f events/s (half of %,.0f), %,d decisions after the first"
            + " %.0f s: p50 %.1f ms, p99 %.1f ms (event emitted -> match at the sink; event time"
            + " runs %.0fx faster than wall time here, so the %s out-of-orderness wait is %.0f ms)%n",
        main.name(), r.eventsPerSecond(), maxRate, LatencyProbe.samples(), latencySeconds / 5,
        p50, p99, store.span / 1000.0 / (store.events() / rate), job.settings().maxOutOfOrderness(),
        job.settings().maxOutOfOrderness().toMillis() / (store.span / 1000.0 / (store.events() / rate)));
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("p50", Double.isNaN(p50) ? null : round(p50, 1));
    latency.put("p99", Double.isNaN(p99) ? null : round(p99, 1));
    latency.put("engine", main.engine().configName);
    latency.put("eventsPerSecond", Math.round(r.eventsPerSecond()));
    latency.put("samples", LatencyProbe.samples());
    return latency;
  }

  private boolean wanted(String run) {
    return runs.isEmpty() || runs.contains(run);
  }

  private interface Graph {
    void attach(StreamExecutionEnvironment env) throws Exception;
  }

  record Result(String name, long events, long countedEvents, double countedSeconds,
      double totalSeconds, double eventsPerSecond, long stateBytes, int customersWithState) {
    double stateBytesPerCustomer() {
      return customersWithState == 0 ? 0 : (double) stateBytes / customersWithState;
    }
  }

  /**
   * One run on a fresh MiniCluster: submit, wait for every reader's last event, then (with
   * {@code measureState}) take a checkpoint and read its full size, and cancel.
   */
  private Result run(String name, Configuration base, Graph graph, int customersWithState,
      boolean measureState) throws Exception {
    Path checkpoints = workDir.resolve("checkpoints/" + name.replaceAll("[^a-z0-9-]", "_"));
    BenchmarkSetup.deleteRecursively(checkpoints);
    Configuration config = new Configuration(base);
    config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    config.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, checkpoints.resolve("savepoints").toUri().toString());
    MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder()
        .setConfiguration(config).setNumTaskManagers(1).setNumSlotsPerTaskManager(PARALLELISM)
        .build();
    System.out.printf("%s: running%n", name);
    try (MiniCluster mini = new MiniCluster(cluster)) {
      mini.start();
      StreamExecutionEnvironment env = new StreamExecutionEnvironment(config);
      graph.attach(env);
      RunProgress progress = RunProgress.begin(warmUpEvents, PARALLELISM);
      JobID job = mini.submitJob(env.getStreamGraph()).get().getJobID();
      long lastPrint = System.nanoTime();
      long lastEvents = 0;
      while (!progress.done()) {
        long now = System.nanoTime();
        if (now - lastPrint > 15e9) {
          long total = progress.total();
          System.out.printf("  ... %,d events, %,.0f events/s in the last %.0f s%n", total,
              (total - lastEvents) / ((now - lastPrint) / 1e9), (now - lastPrint) / 1e9);
          lastPrint = now;
          lastEvents = total;
        }
        JobStatus status = mini.getJobStatus(job).get();
        if (status.isGloballyTerminalState()) {
          Throwable cause = mini.requestJobResult(job).get().getSerializedThrowable()
              .map(t -> (Throwable) t).orElse(null);
          throw new IllegalStateException(name + ": job ended " + status, cause);
        }
        Thread.sleep(100);
      }
      long stateBytes = 0;
      if (measureState) {
        long id = mini.triggerCheckpoint(job, CheckpointType.CONFIGURED).get(5, TimeUnit.MINUTES);
        stateBytes = stateSize(mini, job, id);
      } else {
        Thread.sleep(500); // the last decisions on their way to the sink
      }
      mini.cancelJob(job).get();
      return new Result(name, progress.total(), progress.countedEvents(),
          progress.countedSeconds(), progress.totalSeconds(), progress.eventsPerSecond(),
          stateBytes, customersWithState);
    } finally {
      BenchmarkSetup.deleteRecursively(checkpoints);
    }
  }

  /** The full (not incremental) state size of a completed checkpoint, from the job's statistics. */
  private static long stateSize(MiniCluster mini, JobID job, long checkpointId) throws Exception {
    for (int i = 0; i < 100; i++) {
      CompletedCheckpointStats latest = mini.getExecutionGraph(job).get()
          .getCheckpointStatsSnapshot().getHistory().getLatestCompletedCheckpoint();
      if (latest != null && latest.getCheckpointId() >= checkpointId) {
        return latest.getStateSize();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("checkpoint " + checkpointId + " is not in the statistics");
  }

  static DataStream<InteractionEvent> source(StreamExecutionEnvironment env, Path file,
      int from, int perShard, double minSeconds, double rate, boolean recordEmission,
      JobDefinition job) {
    return env.fromSource(new PreGeneratedSource(file.toString(), from, perShard, minSeconds, rate,
            recordEmission), EventTime.ofEvents(job.settings()), "pre-generated events")
        .setParallelism(PARALLELISM);
  }

  static void discard(JourneyTopology.Outputs outputs, LatencySink latency) {
    if (latency != null) {
      outputs.matches().sinkTo(latency).name("latency sink");
    } else {
      outputs.matches().sinkTo(new DiscardingSink<>());
    }
    outputs.audienceChanges().sinkTo(new DiscardingSink<>());
    outputs.suppressions().sinkTo(new DiscardingSink<>());
    outputs.customerStates().sinkTo(new DiscardingSink<>());
    outputs.lateEvents().sinkTo(new DiscardingSink<>());
  }

  private void print(Result r, Double passThrough) {
    System.out.printf("%s: %,d events (%.1f per customer) in %.1f s; %,d counted after the first"
            + " %,d in %.1f s: %,.0f events/s%s%s%n", r.name(), r.events(),
        (double) r.events() / customers, r.totalSeconds(), r.countedEvents(),
        Math.min(warmUpEvents, r.events()), r.countedSeconds(), r.eventsPerSecond(),
        passThrough == null ? "" : String.format(", %.4f of pass-through", r.eventsPerSecond() / passThrough),
        r.stateBytes() == 0 ? "" : String.format("; state %,d bytes, %.0f per customer (%,d customers)",
            r.stateBytes(), r.stateBytesPerCustomer(), r.customersWithState()));
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
