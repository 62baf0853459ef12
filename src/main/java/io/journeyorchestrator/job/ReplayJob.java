package io.journeyorchestrator.job;

import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.EventCatalogCheck;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.engine.JourneyEngineFunction;
import io.journeyorchestrator.engine.StepFunnels;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.NumberedLineFormat;
import io.journeyorchestrator.io.OutputLineFileSink;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.io.ReplayEventParser;
import io.journeyorchestrator.keyed.JobState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the job graph over a recorded events file on a local MiniCluster, in event time, and
 * returns every output sorted so that two runs diff cleanly: by time, then customer, then (for
 * decisions) the order they were applied in. Time stops at the newest event or at
 * the given end instant: outputs dated after it (absence deadlines, expiries and what they cause)
 * are left out.
 */
public final class ReplayJob {
  private static final AvroTypeInfo<OutputLine> LINE_TYPE = new AvroTypeInfo<>(OutputLine.class);
  /**
   * Decisions sort by time and customer only: the sort is stable and each customer's decisions
   * of one kind come from one subtask, whose part file holds them in the order the operators
   * applied them, so records of one customer at one instant keep that order (a file read top to
   * bottom tells the truth). Other kinds reach the files from several subtasks, so their id
   * breaks ties.
   */
  private static final Comparator<OutputLine> DECISION_ORDER = Comparator
      .comparingLong(OutputLine::getTime)
      .thenComparing(OutputLine::getCustomerId);
  private static final Comparator<OutputLine> INPUT_ORDER =
      DECISION_ORDER.thenComparing(OutputLine::getId);
  private static final List<String> DECISIONS =
      List.of(OutputLines.MATCHES, OutputLines.AUDIENCE_CHANGES, OutputLines.SUPPRESSIONS,
          OutputLines.CUSTOMER_STATES, OutputLines.DECISIONS, OutputLines.NOTES);

  private final JobDefinition job;
  private final Configuration flinkConfig;
  private final String tracedCustomer;
  private final boolean stepFunnels;

  /**
   * Kryo is refused as in flink-conf/ (pipeline.generic-types: false), so a type that would fall
   * back to it fails every replay and test, not a production savepoint.
   */
  public ReplayJob(JobDefinition job, Configuration flinkConfig) {
    this(job, flinkConfig, null, false);
  }

  private ReplayJob(JobDefinition job, Configuration flinkConfig, String tracedCustomer,
      boolean stepFunnels) {
    this.job = job;
    this.flinkConfig = new Configuration(flinkConfig);
    this.flinkConfig.set(PipelineOptions.GENERIC_TYPES, false);
    this.tracedCustomer = tracedCustomer;
    this.stepFunnels = stepFunnels;
  }

  /**
   * The same replay, with notes (kind {@link OutputLines#NOTES}) on what it did not do for one
   * customer and why, and what the journey engine did with their partial matches (explain.sh).
   */
  public ReplayJob tracing(String customerId) {
    return new ReplayJob(job, flinkConfig, customerId, stepFunnels);
  }

  /**
   * The same replay, with the journey engine recording every customer's step funnels for the
   * report ({@link Result#stepFunnels}); a job on Flink CEP has none.
   */
  public ReplayJob withStepFunnels() {
    return new ReplayJob(job, flinkConfig, tracedCustomer, true);
  }

  /**
   * Sorted outputs per kind (see {@link OutputLines}), and what the run saw.
   *
   * @param conditionErrors step conditions that failed on events, by pattern and step ({@link
   *     RunDiagnostics#stepKey}); each failure counted as false
   * @param enterWhenErrors enterWhen conditions that failed on matches, by audience id
   * @param duplicatesDropped events dropped as repeats of an event id within the dedup window
   * @param unusedDropped events of types nothing in the job uses, dropped before the timeline
   * @param catalogCheck the events against the job's events catalog, if it has one
   * @param stepFunnels the journey engine's step funnels, when asked for and on that engine
   */
  public record Result(Map<String, List<OutputLine>> outputs, long linesRead, Instant endOfTime,
      Map<String, ErrorTally.Entry> conditionErrors, Map<String, ErrorTally.Entry> enterWhenErrors,
      long duplicatesDropped, long unusedDropped, Optional<EventCatalogCheck> catalogCheck,
      Optional<StepFunnels> stepFunnels) {
    public List<OutputLine> of(String kind) {
      return outputs.getOrDefault(kind, List.of());
    }

    /**
     * The state replay ends with, by customer id: each customer's last current-state record,
     * customers who hold nothing left out (what the compacted topic keeps once tombstones go).
     */
    public List<OutputLine> currentStates() {
      Map<String, OutputLine> latest = new TreeMap<>();
      for (OutputLine line : of(OutputLines.CUSTOMER_STATES)) {
        latest.put(line.getCustomerId(), line);
      }
      latest.values().removeIf(line -> line.getLabel().equals(OutputLines.TOMBSTONE));
      return List.copyOf(latest.values());
    }
  }

  /**
   * @param workDir an empty folder for the job's raw output parts; the caller may delete it after
   */
  public Result run(Path eventsFile, Optional<Instant> until, Path workDir) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig);
    FileSource<Tuple2<Long, String>> source = FileSource
        .forRecordStreamFormat(new NumberedLineFormat(),
            new org.apache.flink.core.fs.Path(eventsFile.toAbsolutePath().toUri()))
        .build();
    SingleOutputStreamOperator<InteractionEvent> events = env
        .fromSource(source, WatermarkStrategy.noWatermarks(), "events file")
        .setParallelism(1)
        .process(new ReplayEventParser(eventsFile.getFileName().toString(),
            job.settings().maxOutOfOrderness().toMillis(),
            until.map(Instant::toEpochMilli).orElse(Long.MAX_VALUE), job.catalogOptional()))
        .returns(new AvroTypeInfo<>(InteractionEvent.class))
        .setParallelism(1)
        .name("parse events")
        .uid("parse-replay-events");

    JourneyTopology.Outputs outputs = new JourneyTopology(job,
        PatternEngines.forReplay(job.settings(), tracedCustomer, stepFunnels))
        .tracing(tracedCustomer)
        .build(events.assignTimestampsAndWatermarks(EventTime.ofEvents(job.settings()))
            .setParallelism(1)
            .name("event time"));

    List<DataStream<OutputLine>> lines = new ArrayList<>(List.of(
        outputs.audienceChanges().map(OutputLines::of).returns(LINE_TYPE),
        outputs.suppressions().map(OutputLines::of).returns(LINE_TYPE),
        outputs.customerStates().map(OutputLines::of).returns(LINE_TYPE),
        events.getSideOutput(JobState.DEAD_LETTERS).map(new DeadLetterLine()).returns(LINE_TYPE),
        events.getSideOutput(JobState.LATE_EVENTS).map(OutputLines::late).returns(LINE_TYPE),
        outputs.lateEvents().map(OutputLines::late).returns(LINE_TYPE),
        events.getSideOutput(JobState.AFTER_END).map(OutputLines::afterEnd).returns(LINE_TYPE)));
    outputs.decisions().ifPresent(d -> lines.add(d.map(OutputLines::of).returns(LINE_TYPE)));
    lines.add(outputs.notes());
    outputs.matches().map(OutputLines::of).returns(LINE_TYPE)
        .union(lines.toArray(DataStream[]::new))
        .sinkTo(new OutputLineFileSink(workDir))
        .name("replay output files");

    JobExecutionResult result = env.execute("replay " + job.settings().name());
    long linesRead = result.<Long>getAccumulatorResult(ReplayEventParser.LINES_READ);
    long newestEvent = result.<Long>getAccumulatorResult(ReplayEventParser.NEWEST_EVENT);
    Instant endOfTime = until.orElse(Instant.ofEpochMilli(newestEvent));

    Map<String, List<OutputLine>> sorted = new LinkedHashMap<>();
    for (String kind : OutputLines.KINDS) {
      List<OutputLine> kept = new ArrayList<>();
      for (OutputLine line : readParts(workDir.resolve(kind), kind)) {
        if (!isDated(kind) || line.getTime() <= endOfTime.toEpochMilli()) {
          kept.add(line);
        }
      }
      if (kind.equals(OutputLines.NOTES)) {
        kept.addAll(0, engineNotes(result).stream()
            .filter(line -> line.getTime() <= endOfTime.toEpochMilli()).toList());
      }
      kept.sort(DECISIONS.contains(kind) ? DECISION_ORDER : INPUT_ORDER);
      sorted.put(kind, kept);
    }
    return new Result(sorted, linesRead, endOfTime,
        tally(result, RunDiagnostics.CONDITION_ERRORS),
        tally(result, RunDiagnostics.ENTER_WHEN_ERRORS),
        Objects.requireNonNullElse(
            result.<Long>getAccumulatorResult(RunDiagnostics.DUPLICATES_DROPPED), 0L),
        Objects.requireNonNullElse(
            result.<Long>getAccumulatorResult(RunDiagnostics.UNUSED_EVENTS_DROPPED), 0L),
        Optional.ofNullable(result.<EventCatalogCheck>getAccumulatorResult(
            ReplayEventParser.CATALOG_CHECK)),
        Optional.ofNullable(result.<StepFunnels>getAccumulatorResult(StepFunnels.NAME)));
  }

  /** What the journey engine did with the traced customer's partial matches, as notes. */
  private List<OutputLine> engineNotes(JobExecutionResult result) {
    List<String> entries = result.getAccumulatorResult(JourneyEngineFunction.ENGINE_NOTES);
    List<OutputLine> notes = new ArrayList<>();
    for (String entry : entries == null ? List.<String>of() : entries) {
      String[] parts = entry.split("\t", 3);
      notes.add(OutputLines.note(OutputLines.PARTIAL, tracedCustomer, Long.parseLong(parts[0]),
          parts[1], parts[2]));
    }
    return notes;
  }

  /** Empty when no operator registered the tally, e.g. a job without audiences. */
  private static Map<String, ErrorTally.Entry> tally(JobExecutionResult result, String name) {
    Map<String, ErrorTally.Entry> entries = result.getAccumulatorResult(name);
    return entries == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(entries));
  }

  private static List<OutputLine> readParts(Path folder, String kind) throws IOException {
    List<OutputLine> lines = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return lines;
    }
    try (Stream<Path> parts = Files.list(folder)) {
      for (Path part : parts.sorted().toList()) {
        try (Stream<String> partLines = Files.lines(part, StandardCharsets.UTF_8)) {
          partLines.forEach(line -> lines.add(OutputLineFileSink.parse(kind, line)));
        }
      }
    }
    return lines;
  }

  private static boolean isDated(String kind) {
    return !kind.equals(OutputLines.DEAD_LETTERS) && !kind.equals(OutputLines.LATE_EVENTS)
        && !kind.equals(OutputLines.AFTER_END);
  }

  private static final class DeadLetterLine implements MapFunction<DeadLetter, OutputLine> {
    @Override
    public OutputLine map(DeadLetter deadLetter) {
      String source = deadLetter.getSource();
      long line = Long.parseLong(source.substring(source.lastIndexOf(':') + 1));
      return OutputLines.of(deadLetter, line);
    }
  }
}
