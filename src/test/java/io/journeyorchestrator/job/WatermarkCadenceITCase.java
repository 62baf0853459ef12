package io.journeyorchestrator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.io.JsonEventCodec;
import io.journeyorchestrator.io.JsonRecords;
import io.journeyorchestrator.pattern.CepPatternRuntime;
import io.journeyorchestrator.testing.MiniClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audiences apply matches in end-time order, so what they decide must not depend on how often
 * the watermark moves: a watermark after every event (as a busy Kafka partition gives) and a
 * single one at the end (as a fast replay can give) must produce the same output. This holds only
 * if no pattern operator releases a match after the watermark has passed its end; the second test
 * checks that directly over every kind of step, on random journeys.
 */
class WatermarkCadenceITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  @TempDir Path dir;

  /** Every step kind and quantifier the pattern language has, over event types a, b, c, x. */
  private static final Map<String, String> SHAPES = Map.ofEntries(
      Map.entry("relaxed", steps("a", "b") + "within: 3h\n"),
      Map.entry("at-least", """
          steps:
            - {name: s1, when: 'event.type == "a"'}
            - {name: s2, when: 'event.type == "b"', times: "2+"}
          within: 3h
          """),
      Map.entry("range-first", """
          steps:
            - {name: s1, when: 'event.type == "a"', times: "2..3"}
            - {name: s2, when: 'event.type == "b"'}
          within: 3h
          """),
      Map.entry("strict-middle", """
          steps:
            - {name: s1, when: 'event.type == "a"'}
            - {name: s2, when: 'event.type == "b"', contiguity: strict}
            - {name: s3, when: 'event.type == "c"'}
          within: 3h
          """),
      Map.entry("any-middle", """
          steps:
            - {name: s1, when: 'event.type == "a"'}
            - {name: s2, when: 'event.type == "b"', contiguity: any}
            - {name: s3, when: 'event.type == "c"'}
          within: 3h
          """),
      Map.entry("any-times", """
          steps:
            - {name: s1, when: 'event.type == "a" || event.type == "b"', times: "2+", contiguity: any}
            - {name: s2, when: 'event.type == "c"'}
          within: 3h
          """),
      Map.entry("absent-middle", """
          steps:
            - {name: s1, when: 'event.type == "a"'}
            - {name: s2, when: 'event.type == "x"', absent: true}
            - {name: s3, when: 'event.type == "b"'}
          within: 3h
          """),
      Map.entry("absent-last", """
          steps:
            - {name: s1, when: 'event.type == "a"'}
            - {name: s2, when: 'event.type == "b"', absent: true}
          within: 2h
          """),
      Map.entry("overlapping-steps", """
          steps:
            - {name: s1, when: 'event.type != "x"'}
            - {name: s2, when: 'event.type == "b" || event.type == "c"', times: "1..3", contiguity: strict}
            - {name: s3, when: 'event.type == "c"'}
          within: 3h
          """),
      Map.entry("no-skip", steps("a", "c") + "within: 3h\nafterMatch: no-skip\n"));

  private static String steps(String first, String second) {
    return """
        steps:
          - {name: s1, when: 'event.type == "%s"'}
          - {name: s2, when: 'event.type == "%s"'}
        """.formatted(first, second);
  }

  @Test
  void shouldDecideTheDemoJobsAudiencesAndSuppressionsTheSameWhateverTheWatermarkCadence()
      throws Exception {
    JobDefinition job = JobLoader.load(Path.of("jobs/telecom-demo"));
    List<InteractionEvent> events = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("jobs/telecom-demo/recorded-events.jsonl"))) {
      events.add(JsonEventCodec.parse(line));
    }

    List<String> everyEvent = decisions(job, events, true);
    List<String> atTheEnd = decisions(job, events, false);

    assertThat(everyEvent).hasSizeGreaterThan(500).isEqualTo(atTheEnd);
  }

  @Test
  void shouldReleaseEveryMatchBeforeTheWatermarkPassesItsEnd() throws Exception {
    JobFolder folder = JobFolder.in(dir.resolve("job"));
    SHAPES.forEach((id, steps) -> folder.pattern(id, "id: " + id + "\n" + steps));
    JobDefinition job = JobLoader.load(dir.resolve("job"));

    for (long seed = 1; seed <= 3; seed++) {
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      List<String> lines = new ArrayList<>();
      try (var results = new JourneyTopology(job, new CepPatternRuntime())
          .build(withWatermarks(env, randomJourneys(seed), job, true))
          .matches().keyBy(PatternMatch::getCustomerId)
          .process(new MatchTiming())
          .executeAndCollect()) {
        results.forEachRemaining(lines::add);
      }
      Map<String, Long> matchesPerPattern = new TreeMap<>();
      lines.forEach(line -> matchesPerPattern.merge(line.split(" ")[0], 1L, Long::sum));
      assertThat(matchesPerPattern).as("seed %d: every shape matched", seed)
          .containsOnlyKeys(SHAPES.keySet());
      assertThat(lines).as("seed %d: matches released after the watermark passed them", seed)
          .noneMatch(line -> line.endsWith(MatchTiming.LATE));
    }
  }

  /** Per match: its pattern, and whether the watermark had already passed its end. */
  private static final class MatchTiming extends KeyedProcessFunction<String, PatternMatch, String> {
    static final String LATE = "released late";

    @Override
    public void processElement(PatternMatch match, Context ctx, Collector<String> out) {
      long watermark = ctx.timerService().currentWatermark();
      boolean late = match.getEndTime().toEpochMilli() <= watermark;
      out.collect(match.getPatternId() + " " + match.getMatchId() + " ended "
          + match.getEndTime() + (late ? " " + LATE : ""));
    }
  }

  /** 30 customers, 60 events each over types a, b, c, x, gaps of 0 to 89 minutes. */
  private static List<InteractionEvent> randomJourneys(long seed) {
    Random random = new Random(seed);
    String[] types = {"a", "b", "c", "x"};
    List<InteractionEvent> events = new ArrayList<>();
    for (int customer = 0; customer < 30; customer++) {
      Instant time = Instant.parse("2026-01-05T00:00:00Z");
      for (int i = 0; i < 60; i++) {
        time = time.plus(Duration.ofMinutes(random.nextInt(90)));
        events.add(InteractionEvent.newBuilder().setEventId("e" + customer + "-" + i)
            .setCustomerId("c" + customer).setTimestamp(time).setType(types[random.nextInt(4)])
            .setChannel(Channel.WEB).setAttributes(Map.of()).build());
      }
    }
    events.sort(Comparator.comparing(InteractionEvent::getTimestamp));
    return events;
  }

  private static List<String> decisions(JobDefinition job, List<InteractionEvent> events,
      boolean watermarkAfterEveryEvent) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JourneyTopology.Outputs outputs = new JourneyTopology(job, new CepPatternRuntime())
        .build(withWatermarks(env, events, job, watermarkAfterEveryEvent));
    List<String> lines = new ArrayList<>();
    DataStream<SpecificRecord> decisions = outputs.audienceChanges()
        .map(change -> (SpecificRecord) change).returns(SpecificRecord.class)
        .union(outputs.suppressions().map(decision -> (SpecificRecord) decision)
            .returns(SpecificRecord.class));
    try (var results = decisions.executeAndCollect()) {
      results.forEachRemaining(record -> lines.add(JsonRecords.toJson(record)));
    }
    lines.sort(null);
    return lines;
  }

  private static DataStream<InteractionEvent> withWatermarks(StreamExecutionEnvironment env,
      List<InteractionEvent> events, JobDefinition job, boolean afterEveryEvent) {
    long maxOutOfOrderness = job.settings().maxOutOfOrderness().toMillis();
    WatermarkStrategy<InteractionEvent> strategy = afterEveryEvent
        ? WatermarkStrategy.<InteractionEvent>forGenerator(
            context -> new AfterEveryEvent(maxOutOfOrderness))
        : WatermarkStrategy.noWatermarks();
    return env.fromData(new AvroTypeInfo<>(InteractionEvent.class),
            events.toArray(new InteractionEvent[0]))
        .setParallelism(1)
        .assignTimestampsAndWatermarks(strategy.withTimestampAssigner(
            (event, previous) -> event.getTimestamp().toEpochMilli()))
        .setParallelism(1);
  }

  /** Moves the watermark with every event; without any, only the end of input moves it. */
  private static final class AfterEveryEvent implements WatermarkGenerator<InteractionEvent> {
    private final long maxOutOfOrderness;
    private long newest = Long.MIN_VALUE;

    AfterEveryEvent(long maxOutOfOrderness) {
      this.maxOutOfOrderness = maxOutOfOrderness;
    }

    @Override
    public void onEvent(InteractionEvent event, long timestamp, WatermarkOutput output) {
      newest = Math.max(newest, timestamp);
      output.emitWatermark(new Watermark(newest - maxOutOfOrderness - 1));
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {}
  }
}
