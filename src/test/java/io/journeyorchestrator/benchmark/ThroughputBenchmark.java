package io.journeyorchestrator.benchmark;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.demo.JourneyGenerator;
import io.journeyorchestrator.job.EventTime;
import io.journeyorchestrator.job.JourneyTopology;
import io.journeyorchestrator.pattern.CepPatternRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Throughput of the job graph against a pass-through job over the same generated events, side
 * by side in one run (scripts/benchmark.sh). Absolute numbers on a shared machine are noisy; the
 * ratios are the point.
 */
public final class ThroughputBenchmark {
  private ThroughputBenchmark() {}

  /** How a run is configured; production settings are rocksdb, heap timers, object reuse. */
  private record Setup(String backend, boolean rocksDbTimers, boolean objectReuse) {
    Setup withRocksDbTimers() {
      return new Setup(backend, true, objectReuse);
    }

    Setup withCopies() {
      return new Setup(backend, rocksDbTimers, false);
    }
  }

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 300_000;
    int customers = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    Setup production = new Setup(args.length > 2 ? args[2] : "rocksdb", false, true);
    JobDefinition job = JobLoader.load(Path.of("jobs/telecom-demo"));
    System.out.printf("%,d events, %,d customers, %s state, parallelism 2, demo job with %d"
        + " patterns%n", events, customers, production.backend(), job.patterns().size());

    // Warm-up, not reported: the first run in a JVM pays for class loading and JIT compilation.
    long warmUpEvents = Math.min(events, 20_000);
    run("warm-up", production, env -> discard(new JourneyTopology(job, new CepPatternRuntime(true))
        .build(source(env, warmUpEvents, customers, job))), warmUpEvents, new ArrayList<>(), 0);

    List<String[]> rows = new ArrayList<>();
    double passThrough = run("pass-through (source, keyBy, discard)", production,
        env -> source(env, events, customers, job).keyBy(InteractionEvent::getCustomerId)
            .map(e -> e).returns(new AvroTypeInfo<>(InteractionEvent.class))
            .sinkTo(new DiscardingSink<>()), events, rows, 0);
    Graph routed = env -> discard(new JourneyTopology(job, new CepPatternRuntime(true))
        .build(source(env, events, customers, job)));
    run("job graph, events routed per pattern", production, routed, events, rows, passThrough);
    run("job graph, every event to every pattern", production,
        env -> discard(new JourneyTopology(job, new CepPatternRuntime(false))
            .build(source(env, events, customers, job))), events, rows, passThrough);
    run("job graph, routed, records copied between operators", production.withCopies(), routed,
        events, rows, passThrough);
    if (production.backend().equals("rocksdb")) {
      run("job graph, routed, timers in RocksDB", production.withRocksDbTimers(), routed, events,
          rows, passThrough);
    }

    System.out.printf("%n%-52s %8s %10s %8s%n", "run", "seconds", "events/s", "vs pass");
    for (String[] row : rows) {
      System.out.printf("%-52s %8s %10s %8s%n", (Object[]) row);
    }
  }

  private interface Graph {
    void attach(StreamExecutionEnvironment env) throws Exception;
  }

  private static double run(String name, Setup setup, Graph graph, long events,
      List<String[]> rows, double baseline) throws Exception {
    Configuration config = new Configuration();
    config.set(CoreOptions.DEFAULT_PARALLELISM, 2);
    config.set(PipelineOptions.OBJECT_REUSE, setup.objectReuse());
    config.set(StateBackendOptions.STATE_BACKEND, setup.backend());
    config.setString("state.backend.rocksdb.timer-service.factory",
        setup.rocksDbTimers() ? "ROCKSDB" : "HEAP");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    graph.attach(env);
    long start = System.nanoTime();
    env.execute(name);
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = events / seconds;
    rows.add(new String[] {name, String.format("%.1f", seconds), String.format("%,.0f", rate),
        baseline == 0 ? "1.00" : String.format("%.3f", rate / baseline)});
    System.out.printf("  %s: %.1f s%n", name, seconds);
    return rate;
  }

  private static void discard(JourneyTopology.Outputs outputs) {
    outputs.matches().sinkTo(new DiscardingSink<>());
    outputs.audienceChanges().sinkTo(new DiscardingSink<>());
    outputs.suppressions().sinkTo(new DiscardingSink<>());
    outputs.lateEvents().sinkTo(new DiscardingSink<>());
  }

  private static DataStream<InteractionEvent> source(StreamExecutionEnvironment env, long events,
      int customers, JobDefinition job) {
    return env.fromSource(new DataGeneratorSource<>(new Journeys(customers), events,
                new AvroTypeInfo<>(InteractionEvent.class)),
            WatermarkStrategy.noWatermarks(), "generated journeys")
        .setParallelism(1)
        .assignTimestampsAndWatermarks(EventTime.watermarks(job.settings()))
        .setParallelism(1);
  }

  /** The demo simulator as a generator function: one sequential stream (source parallelism 1). */
  private static final class Journeys implements GeneratorFunction<Long, InteractionEvent> {
    private final int customers;
    private transient JourneyGenerator generator;

    Journeys(int customers) {
      this.customers = customers;
    }

    @Override
    public void open(SourceReaderContext context) {
      generator = new JourneyGenerator(JourneyGenerator.Settings.defaults().withSeed(1)
          .withCustomers(customers));
    }

    @Override
    public InteractionEvent map(Long index) {
      return generator.next();
    }
  }
}
