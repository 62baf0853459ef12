package io.journeyorchestrator.job;

import static io.journeyorchestrator.testing.JourneyRuns.CLOCK_PREFIX;
import static io.journeyorchestrator.testing.JourneyRuns.CURRENT_STATE;
import static io.journeyorchestrator.testing.JourneyRuns.PARTITIONS;
import static io.journeyorchestrator.testing.JourneyRuns.avro;
import static io.journeyorchestrator.testing.JourneyRuns.committed;
import static io.journeyorchestrator.testing.JourneyRuns.committedStates;
import static io.journeyorchestrator.testing.JourneyRuns.compacted;
import static io.journeyorchestrator.testing.JourneyRuns.demoActions;
import static io.journeyorchestrator.testing.JourneyRuns.demoDefinitions;
import static io.journeyorchestrator.testing.JourneyRuns.event;
import static io.journeyorchestrator.testing.JourneyRuns.journeys;
import static io.journeyorchestrator.testing.JourneyRuns.replay;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.testing.EmbeddedKafka;
import io.journeyorchestrator.testing.LookupService;
import io.journeyorchestrator.testing.MiniClusters;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production Kafka job through a real broker: it commits exactly what replay produces for the
 * same events, keeps exactly-once output across a task failure, and turns every kind of bad
 * record into a dead letter without stopping.
 */
class KafkaJourneyJobITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.slots(3);


  private static EmbeddedKafka kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  /** The demo job's patterns, audiences and suppressions, with its own topics and quick idleness. */
  private JobDefinition demoJob(String name) throws Exception {
    return demoJob(name, "exactly-once");
  }

  private JobDefinition demoJob(String name, String delivery) throws Exception {
    return demoJob(name, delivery, "5m");
  }

  private JobDefinition demoJob(String name, String delivery, String idleTimeout)
      throws Exception {
    Path job = demoDefinitions(dir.resolve(name));
    String decisions = demoActions(job);
    JobFolder.in(job).file("job.yaml", """
        name: %s
        kafka:
          bootstrapServers: %s
          topics:
            events: %s.events
            matches: %s.matches
            audienceChanges: %s.audience-changes
            suppressions: %s.suppressions
            deadLetters: %s.dead-letters
            lateEvents: %s.late-events
            customerState: %s.customer-state
            decisions: %s.decisions
        time:
          maxOutOfOrderness: 30s
          idleTimeout: %s
        delivery: %s
        """.formatted(name, kafka.bootstrapServers(), name, name, name, name, name, name,
            name, name, idleTimeout, delivery) + decisions);
    JobDefinition definition = JobLoader.load(job);
    kafka.createTopics(definition.settings().topics());
    return definition;
  }

  private static StreamExecutionEnvironment environment() {
    Configuration config = new Configuration();
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
    config.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    env.setParallelism(2);
    env.enableCheckpointing(500);
    return env;
  }

  private void assertKafkaOutputEqualsReplay(JobDefinition job, Map<String, List<String>> expected,
      Instant until, JobClient client) throws Exception {
    assertThat(expected.get(OutputLines.AUDIENCE_CHANGES)).hasSizeGreaterThan(20);
    assertThat(expected.get(OutputLines.SUPPRESSIONS)).hasSizeGreaterThan(10);
    String audienceChanges = job.settings().topics().audienceChanges();
    assertThat(committed(kafka, audienceChanges, expected.get(OutputLines.AUDIENCE_CHANGES).size(), until))
        .as(() -> diagnosis(client, audienceChanges))
        .isEqualTo(expected.get(OutputLines.AUDIENCE_CHANGES));
    String suppressions = job.settings().topics().suppressions();
    assertThat(committed(kafka, suppressions, expected.get(OutputLines.SUPPRESSIONS).size(), until))
        .as(() -> diagnosis(client, suppressions))
        .isEqualTo(expected.get(OutputLines.SUPPRESSIONS));
    assertThat(expected.get(OutputLines.DECISIONS)).hasSizeGreaterThan(5);
    String decisions = job.settings().topics().decisions();
    assertThat(committed(kafka, decisions, expected.get(OutputLines.DECISIONS).size(), until))
        .as(() -> diagnosis(client, decisions))
        .isEqualTo(expected.get(OutputLines.DECISIONS));
    List<String> expectedStates = expected.get(OutputLines.CUSTOMER_STATES);
    assertThat(expectedStates).hasSizeGreaterThan(20).anyMatch(s -> s.startsWith("tombstone "));
    String states = job.settings().topics().customerState();
    List<String> committedStates = committedStates(kafka, states, expectedStates.size(), until);
    assertThat(committedStates).as(() -> diagnosis(client, states)).isEqualTo(expectedStates);
    assertThat(compacted(committedStates)).as("the compacted topic holds the state replay ends with")
        .isEqualTo(expected.get(CURRENT_STATE));
  }

  /** Why committed output may differ: the job's state and what the topic holds uncommitted. */
  private static String diagnosis(JobClient client, String topic) {
    try {
      return "job " + client.getJobStatus().get() + ", " + kafka.readUncommitted(topic).size()
          + " records in " + topic + " counting uncommitted ones (see target/test-logs)";
    } catch (Exception e) {
      return "no diagnosis: " + e;
    }
  }

  @Test
  void shouldCommitExactlyWhatReplayProducesForTheSameEvents() throws Exception {
    assertSameAsReplay(demoJob("same-as-replay"));
  }

  @Test
  void shouldWriteWhatReplayProducesWithAtLeastOnceDelivery() throws Exception {
    assertSameAsReplay(demoJob("at-least-once", "at-least-once"));
  }

  private void assertSameAsReplay(JobDefinition job) throws Exception {
    List<InteractionEvent> events = journeys(11, 60, Duration.ofDays(20));
    Instant until = events.get(events.size() - 1).getTimestamp().minus(Duration.ofMinutes(1));
    Map<String, List<String>> expected = replay(job, dir, events, until);

    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (InteractionEvent event : events) {
      records.add(avro(job.settings().topics().events(), event));
    }
    kafka.produce(records);
    StreamExecutionEnvironment env = environment();
    new KafkaJourneyJob(job).attachTo(env);
    JobClient client = env.executeAsync(job.settings().name());
    try {
      assertKafkaOutputEqualsReplay(job, expected, until, client);
    } finally {
      client.cancel().get();
    }
    assertThat(expected.get(CURRENT_STATE)).as("customers holding something at the end")
        .hasSizeGreaterThan(5);
    if (job.settings().delivery() == JobSettings.Delivery.EXACTLY_ONCE) {
      assertLookupServesTheStateReplayEndsWith(job, expected.get(CURRENT_STATE), until);
    }
  }

  /**
   * The lookup service, started on the topic the job wrote, answers for every customer with the
   * state replay ends with (expiries applied as of the end of replay time), and again the same
   * after a restart, which restores the store from the topic.
   */
  private void assertLookupServesTheStateReplayEndsWith(JobDefinition job,
      List<String> currentStates, Instant until) throws Exception {
    Set<String> audiences =
        job.audiences().stream().map(AudienceDefinition::id).collect(Collectors.toSet());
    ObjectMapper json = new ObjectMapper();
    for (int start = 1; start <= 2; start++) {
      try (LookupService lookup = new LookupService(kafka.bootstrapServers(),
          job.settings().topics().customerState(), dir.resolve("lookup-" + start), audiences,
          Optional.empty(), Clock.fixed(until, ZoneOffset.UTC), InetAddress.getLoopbackAddress())
          .awaitReady(Duration.ofSeconds(60))) {
        assertThat(lookup.customers()).as("start %d", start).isEqualTo(currentStates.size());
        for (String state : currentStates) {
          JsonNode expectedState = json.readTree(state);
          LookupService.Answer answer = lookup.customer(expectedState.get("customerId").asText());
          assertThat(answer.status()).as(answer.body()).isEqualTo(200);
          assertThat(answer.state()).as("start %d", start).isEqualTo(expectedState);
        }
        assertThat(lookup.customer("nobody-" + UUID.randomUUID()).status()).isEqualTo(404);
      }
    }
  }

  /**
   * Fails its task once, on the first event after a checkpoint once half the events passed, and
   * notes when it runs again in a restarted task.
   */
  static final class FailOnceAfterCheckpoint extends RichMapFunction<InteractionEvent, InteractionEvent>
      implements CheckpointListener {
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicBoolean RESTARTED = new AtomicBoolean();
    static final AtomicLong SEEN = new AtomicLong();
    private final long threshold;
    private transient boolean checkpointed;

    FailOnceAfterCheckpoint(long threshold) {
      this.threshold = threshold;
    }

    @Override
    public void open(OpenContext openContext) {
      checkpointed = false;
      if (getRuntimeContext().getTaskInfo().getAttemptNumber() > 0) {
        RESTARTED.set(true);
      }
    }

    @Override
    public InteractionEvent map(InteractionEvent event) {
      if (SEEN.incrementAndGet() >= threshold && checkpointed && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure after " + SEEN.get() + " events");
      }
      return event;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }

  @Test
  void shouldKeepExactlyOnceOutputAcrossAFailureMidStream() throws Exception {
    JobDefinition job = demoJob("failure-recovery");
    List<InteractionEvent> events = journeys(12, 60, Duration.ofDays(20));
    Instant until = events.get(events.size() - 1).getTimestamp().minus(Duration.ofMinutes(1));
    Map<String, List<String>> expected = replay(job, dir, events, until);

    String topic = job.settings().topics().events();
    List<ProducerRecord<byte[], byte[]>> firstHalf = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> secondHalf = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      (i < events.size() / 2 ? firstHalf : secondHalf).add(avro(topic, events.get(i)));
    }
    FailOnceAfterCheckpoint.FAILED.set(false);
    FailOnceAfterCheckpoint.RESTARTED.set(false);
    FailOnceAfterCheckpoint.SEEN.set(0);
    kafka.produce(firstHalf);
    StreamExecutionEnvironment env = environment();
    new KafkaJourneyJob(job, new FailOnceAfterCheckpoint(events.size() / 2)).attachTo(env);
    JobClient client = env.executeAsync("failure-recovery");
    try {
      Thread.sleep(3000);
      kafka.produce(secondHalf);
      // Watermarks are not part of a checkpoint: after the restart each partition holds event
      // time back until it delivers a new event (or stays silent for time.idleTimeout). A
      // partition read to its end before the checkpoint would stall the job here, where live
      // traffic would move on; one event per partition after the restart is that traffic.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!FailOnceAfterCheckpoint.RESTARTED.get() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Instant afterEverything = events.get(events.size() - 1).getTimestamp().plusSeconds(60);
      List<ProducerRecord<byte[], byte[]>> ticks = new ArrayList<>();
      for (int partition = 0; partition < PARTITIONS; partition++) {
        ticks.add(avro(topic, event("tick-" + partition, CLOCK_PREFIX + partition,
            afterEverything, "page.view", Map.of())));
      }
      kafka.produce(ticks);
      assertKafkaOutputEqualsReplay(job, expected, until, client);
      assertThat(FailOnceAfterCheckpoint.FAILED).as("the failure was injected").isTrue();
      assertThat(FailOnceAfterCheckpoint.RESTARTED).as("the job restarted after it").isTrue();
      assertThat(kafka.readCommitted(job.settings().topics().deadLetters(), read -> true,
          Duration.ofSeconds(10), Duration.ofSeconds(2)))
          .as("no event was turned into a dead letter").isEmpty();
    } finally {
      client.cancel().get();
    }
  }

  /**
   * After a restart, a partition that was read to its end before the checkpoint delivers nothing
   * and holds event time back until it is idle (time.idleTimeout): decisions then resume, none
   * lost or repeated.
   */
  @Test
  void shouldResumeDecisionsAfterARestartOnceQuietPartitionsAreIdle() throws Exception {
    // Short enough for a test, long enough that no partition turns idle while the job starts on
    // a busy machine (its first events would then be late).
    JobDefinition job = demoJob("quiet-restart", "exactly-once", "15s");
    List<InteractionEvent> events = journeys(13, 60, Duration.ofDays(20));
    Instant until = events.get(events.size() - 1).getTimestamp().minus(Duration.ofMinutes(1));
    Map<String, List<String>> expected = replay(job, dir, events, until);

    // Partition 0 alone carries the second batch: its events after the middle of the journeys.
    String topic = job.settings().topics().events();
    Instant middle = events.get(events.size() / 2).getTimestamp();
    List<ProducerRecord<byte[], byte[]>> firstBatch = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> partitionZeroLater = new ArrayList<>();
    for (InteractionEvent event : events) {
      ProducerRecord<byte[], byte[]> record = avro(topic, event, partitionOf(event));
      boolean later = record.partition() == 0 && !event.getTimestamp().isBefore(middle);
      (later ? partitionZeroLater : firstBatch).add(record);
    }
    FailOnceAfterCheckpoint.FAILED.set(false);
    FailOnceAfterCheckpoint.RESTARTED.set(false);
    FailOnceAfterCheckpoint.SEEN.set(0);
    kafka.produce(firstBatch);
    StreamExecutionEnvironment env = environment();
    new KafkaJourneyJob(job, new FailOnceAfterCheckpoint(firstBatch.size() + 1)).attachTo(env);
    JobClient client = env.executeAsync("quiet-restart");
    try {
      // A checkpoint covers the whole first batch (offsets are committed on checkpoints), so the
      // restart resumes partitions 1 to 3 at their ends.
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!kafka.consumedAll("journey-orchestrator-quiet-restart", topic)
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      kafka.produce(partitionZeroLater);
      assertThat(kafka.readCommitted(job.settings().topics().lateEvents(), read -> true,
          Duration.ofSeconds(5), Duration.ofSeconds(1))).as("late events").isEmpty();
      assertKafkaOutputEqualsReplay(job, expected, until, client);
      assertThat(FailOnceAfterCheckpoint.RESTARTED).as("the job restarted").isTrue();
    } finally {
      client.cancel().get();
    }
  }

  /**
   * A partition that carries nothing but undecodable records for longer than time.idleTimeout
   * turns idle like a silent one: expiries and absence deadlines of the other partitions' events
   * fire as replay decides them, and every bad record is a dead letter.
   */
  @Test
  void shouldNotLetAPartitionOfGarbageStallEventTime() throws Exception {
    JobDefinition job = demoJob("garbage-partition", "exactly-once", "15s");
    List<InteractionEvent> events = new ArrayList<>(journeys(14, 60, Duration.ofDays(60)));
    // Past the demo audiences' expiries (at most 30 days after an entry), on every partition,
    // and still behind the wall clock (or the events would be dead letters of time.maxFutureSkew).
    Instant later = events.get(events.size() - 1).getTimestamp().plus(Duration.ofDays(40));
    for (int partition = 0; partition < PARTITIONS; partition++) {
      events.add(event("later-" + partition, CLOCK_PREFIX + partition, later, "page.view",
          Map.of()));
    }
    // Partition 0 carries one event at the very start, then garbage only: its event time
    // stays there unless the garbage is not taken for activity.
    InteractionEvent opening = event("opening-0", "zz-opening",
        events.get(0).getTimestamp(), "page.view", Map.of());
    events.add(0, opening);
    Instant until = later.minus(Duration.ofMinutes(1));
    Map<String, List<String>> expected = replay(job, dir, events, until);
    assertThat(expected.get(OutputLines.AUDIENCE_CHANGES))
        .as("replay decides expiries and absence deadlines")
        .anyMatch(change -> change.contains("\"reason\":\"expired\""))
        .anyMatch(change -> change.contains("pattern:device-not-activated"));

    String topic = job.settings().topics().events();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (InteractionEvent event : events.subList(1, events.size())) {
      String customer = event.getCustomerId();
      int partition = 1 + (customer.startsWith(CLOCK_PREFIX)
          ? Integer.parseInt(customer.substring(CLOCK_PREFIX.length())) % (PARTITIONS - 1)
          : Math.floorMod(customer.hashCode(), PARTITIONS - 1));
      records.add(avro(topic, event, partition));
    }
    kafka.produce(List.of(avro(topic, opening, 0)));
    StreamExecutionEnvironment env = environment();
    new KafkaJourneyJob(job).attachTo(env);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong garbage = new AtomicLong();
    AtomicBoolean othersProduced = new AtomicBoolean();
    // Partition 0 gets only garbage; the others stay live with ticks at the last instant (the
    // clock customers' page views decide nothing), as traffic would keep them.
    Thread garbageFeed = new Thread(() -> {
      while (running.get()) {
        try {
          long n = garbage.incrementAndGet();
          List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
          batch.add(new ProducerRecord<>(topic, 0, "x".getBytes(), ("garbage " + n).getBytes()));
          if (n % 5 == 0 && othersProduced.get()) {
            for (int partition = 1; partition < PARTITIONS; partition++) {
              batch.add(avro(topic, event("tick-" + partition + "-" + n,
                  CLOCK_PREFIX + partition, later, "page.view", Map.of()), partition));
            }
          }
          kafka.produce(batch);
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }, "garbage feed");
    garbageFeed.start();
    long started = System.nanoTime();
    JobClient client = env.executeAsync("garbage-partition");
    try {
      // The other partitions' events come once the job reads partition 0, so no partition's
      // event time ran ahead before partition 0 had a say.
      kafka.readCommitted(job.settings().topics().deadLetters(), read -> !read.isEmpty(),
          Duration.ofSeconds(60), Duration.ZERO);
      kafka.produce(records);
      othersProduced.set(true);
      assertKafkaOutputEqualsReplay(job, expected, until, client);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("the output came while garbage kept arriving, past the idle timeout")
          .isGreaterThan(Duration.ofSeconds(15));
    } finally {
      running.set(false);
      garbageFeed.join();
      client.cancel().get();
    }
    List<SpecificRecord> deadLetters = kafka.readCommitted(job.settings().topics().deadLetters(),
        read -> read.size() >= 50, Duration.ofSeconds(30), Duration.ofSeconds(1));
    assertThat(deadLetters).hasSizeGreaterThanOrEqualTo(50).map(r -> ((DeadLetter) r).getSource())
        .allMatch(source -> source.startsWith(topic + "/0/"));
  }

  /**
   * Rescaling from savepoints: a job at parallelism 2 is stopped with a savepoint, resumed at 3,
   * stopped again and resumed at 1, with a third of the events in each run, on RocksDB with the
   * shipped options. The committed output equals an uninterrupted replay: memberships, expiries,
   * cooldowns, suppressions and partial matches all moved to the subtasks of their new key groups.
   */
  @Test
  void shouldRescaleFromSavepointsWithoutChangingDecisions() throws Exception {
    JobDefinition job = demoJob("rescale");
    List<InteractionEvent> events = journeys(15, 60, Duration.ofDays(20));
    Instant until = events.get(events.size() - 1).getTimestamp().minus(Duration.ofMinutes(1));
    Map<String, List<String>> expected = replay(job, dir, events, until);

    String topic = job.settings().topics().events();
    String group = "journey-orchestrator-" + job.settings().name();
    String savepoint = null;
    int[] parallelisms = {2, 3, 1};
    for (int run = 0; run < parallelisms.length; run++) {
      List<ProducerRecord<byte[], byte[]>> third = new ArrayList<>();
      for (InteractionEvent event : events.subList(run * events.size() / 3,
          (run + 1) * events.size() / 3)) {
        third.add(avro(topic, event));
      }
      kafka.produce(third);
      StreamExecutionEnvironment env = productionEnvironment(parallelisms[run], savepoint);
      new KafkaJourneyJob(job).attachTo(env);
      JobClient client = env.executeAsync("rescale at " + parallelisms[run]);
      try {
        if (run < parallelisms.length - 1) {
          long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
          while (!kafka.consumedAll(group, topic) && System.nanoTime() < deadline) {
            if (client.getJobStatus().get().isTerminalState()) {
              client.getJobExecutionResult().get(); // throws what stopped it
            }
            Thread.sleep(200);
          }
          assertThat(kafka.consumedAll(group, topic)).as("run %d read its events", run).isTrue();
          savepoint = client.stopWithSavepoint(false, null,
              SavepointFormatType.CANONICAL).get();
        } else {
          assertKafkaOutputEqualsReplay(job, expected, until, client);
        }
      } finally {
        if (!client.getJobStatus().get().isTerminalState()) {
          client.cancel().get();
        }
      }
    }
  }

  /** What production runs: flink-conf/local (RocksDB, its options), with quick checkpoints. */
  private StreamExecutionEnvironment productionEnvironment(int parallelism, String savepoint)
      throws Exception {
    Configuration config = GlobalConfiguration.loadConfiguration("flink-conf/local");
    config.setString("state.backend.rocksdb.localdir", dir.resolve("rocksdb").toString());
    config.setString("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
    config.setString("execution.checkpointing.savepoint-dir",
        dir.resolve("savepoints").toUri().toString());
    config.setString("execution.checkpointing.interval", "500ms");
    config.setString("execution.checkpointing.min-pause", "0ms");
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    if (savepoint != null) {
      config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    env.setParallelism(parallelism);
    return env;
  }

  /** Every customer on one partition, the clock customers on their own. */
  private static int partitionOf(InteractionEvent event) {
    String customer = event.getCustomerId();
    return customer.startsWith(CLOCK_PREFIX)
        ? Integer.parseInt(customer.substring(CLOCK_PREFIX.length()))
        : Math.floorMod(customer.hashCode(), PARTITIONS);
  }

  @Test
  void shouldDeadLetterBadRecordsAndKeepRunning() throws Exception {
    JobDefinition job = demoJob("bad-records");
    String topic = job.settings().topics().events();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant t0 = now.minus(Duration.ofHours(2));

    InteractionEvent opened = event("o1", "alice", t0, "support.case.opened", Map.of());
    Schema older = new Schema.Parser().parse(Path.of(
        "src/test/resources/schemas/history/InteractionEvent/v0-test-older-producer.avsc")
        .toFile());
    GenericRecord olderEvent = new GenericData.Record(older);
    olderEvent.put("eventId", "o2");
    olderEvent.put("customerId", "bob");
    olderEvent.put("timestamp", t0.plusSeconds(60).toEpochMilli());
    olderEvent.put("type", "support.case.opened");
    olderEvent.put("channel", new GenericData.EnumSymbol(older.getField("channel").schema(),
        "CHAT"));
    ByteBuffer olderBytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older)
        .encode(olderEvent);
    byte[] unknownFingerprint = new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 2, 'x'};

    kafka.produce(List.of(
        new ProducerRecord<>(topic, "x".getBytes(), "hello, not avro".getBytes()),
        new ProducerRecord<>(topic, "x".getBytes(), unknownFingerprint),
        avro(topic, event("", "carol", t0, "page.view", Map.of())),
        avro(topic, event("f1", "dave", now.plus(Duration.ofDays(2)), "page.view", Map.of())),
        avro(topic, opened),
        avro(topic, opened),
        new ProducerRecord<>(topic, "bob".getBytes(), bytes(olderBytes)),
        avro(topic, event("clock-0", CLOCK_PREFIX + 0, t0.plus(Duration.ofHours(1)), "page.view",
            Map.of())),
        avro(topic, event("clock-1", CLOCK_PREFIX + 1, t0.plus(Duration.ofHours(1)), "page.view",
            Map.of())),
        avro(topic, event("clock-2", CLOCK_PREFIX + 2, t0.plus(Duration.ofHours(1)), "page.view",
            Map.of())),
        avro(topic, event("clock-3", CLOCK_PREFIX + 3, t0.plus(Duration.ofHours(1)), "page.view",
            Map.of()))));
    StreamExecutionEnvironment env = environment();
    new KafkaJourneyJob(job).attachTo(env);
    JobClient client = env.executeAsync("bad-records");
    try {
      List<SpecificRecord> deadLetters = kafka.readCommitted(job.settings().topics().deadLetters(),
          read -> read.size() >= 4, Duration.ofSeconds(60), Duration.ofSeconds(2));
      assertThat(deadLetters).map(r -> (DeadLetter) r).map(DeadLetter::getError)
          .satisfiesExactlyInAnyOrder(
              e -> assertThat(e).startsWith("not Avro single-object encoding"),
              e -> assertThat(e).startsWith("unknown schema fingerprint"),
              e -> assertThat(e).isEqualTo("missing eventId"),
              e -> assertThat(e).contains("ahead of the wall clock"));
      assertThat(deadLetters).map(r -> (DeadLetter) r).allSatisfy(d ->
          assertThat(d.getSource()).matches(topic.replace(".", "\\.") + "/\\d/\\d+"));
      DeadLetter notAvro = deadLetters.stream().map(r -> (DeadLetter) r)
          .filter(d -> d.getError().startsWith("not Avro")).findFirst().orElseThrow();
      assertThat(StandardCharsets.UTF_8.decode(notAvro.getPayload()).toString())
          .isEqualTo("hello, not avro");

      List<SpecificRecord> changes = kafka.readCommitted(job.settings().topics().audienceChanges(),
          read -> read.size() >= 2, Duration.ofSeconds(60), Duration.ofSeconds(3));
      assertThat(changes).map(r -> (AudienceChange) r)
          .extracting(AudienceChange::getCustomerId, c -> c.getChange().name(),
              AudienceChange::getAudienceId)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("alice", "ENTERED", "open-support-case"),
              org.assertj.core.groups.Tuple.tuple("bob", "ENTERED", "open-support-case"));
      List<SpecificRecord> matches = kafka.readCommitted(job.settings().topics().matches(),
          read -> false, Duration.ofSeconds(3), Duration.ZERO);
      assertThat(matches).map(r -> (PatternMatch) r)
          .filteredOn(m -> m.getCustomerId().equals("alice")).hasSize(1);
    } finally {
      client.cancel().get();
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
