package io.journeyorchestrator.engine;

import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.EngineState;
import io.journeyorchestrator.internal.avro.TimelineEntry;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.LateEvents;
import io.journeyorchestrator.matching.CompiledPattern;
import io.journeyorchestrator.timeline.CustomerTimeline;
import io.journeyorchestrator.timeline.ProfileReads;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.PreviousReleaseAvroSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journey engine, fused with the customer timeline, as an operator on RocksDB: several
 * patterns in one state, one deadline timer per customer, everything the watermark passed
 * released at once, state and timers gone once partial matches time out, late events and erasure
 * requests on their outputs, and an upgrade that keeps the partial matches of unchanged patterns
 * and drops those of changed ones.
 */
class JourneyEngineFunctionTest {
  private static final String A_THEN_B = """
      id: a-then-b
      steps:
        - name: a
          when: event.type == "a"
        - name: b
          when: event.type == "b"
      within: %s
      """;
  private static final String A_THEN_C = """
      id: a-then-c
      steps:
        - name: a
          when: event.type == "a"
        - name: c
          when: event.type == "c"
      within: 30m
      """;

  private static final Duration WRITE_BACK_AFTER = Duration.ofSeconds(2);

  @TempDir Path dir;
  private KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, DetectedMatch> harness;

  @AfterEach
  void close() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private List<CompiledPattern> patterns(String folder, String... yaml) throws Exception {
    JobFolder job = JobFolder.in(dir.resolve(folder));
    for (int i = 0; i < yaml.length; i++) {
      job.pattern("p" + i, yaml[i]);
    }
    return JobLoader.load(job.path()).patterns().stream().map(CompiledPattern::compile).toList();
  }

  private void start(List<CompiledPattern> patterns, OperatorSubtaskState restored)
      throws Exception {
    start(patterns, restored, 50_000);
  }

  private void start(List<CompiledPattern> patterns, OperatorSubtaskState restored,
      int activeCustomers) throws Exception {
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new JourneyEngineOperator(new JourneyEngineFunction(
            new CustomerTimeline(Duration.ofDays(400).toMillis(), Duration.ofMinutes(10).toMillis(),
                ProfileReads.everyType()),
            patterns, 1_000, activeCustomers), WRITE_BACK_AFTER),
        InteractionEvent::getCustomerId, Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (restored != null) {
      harness.initializeState(restored);
    }
    harness.open();
  }

  private long timelinesInKeyedState() {
    KeyedStateBackend<String> backend =
        ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    try (Stream<String> keys =
        backend.getKeys(JobState.timelineDescriptor().getName(), VoidNamespace.INSTANCE)) {
      return keys.count();
    }
  }

  private List<String> customersInKeyedState() {
    KeyedStateBackend<String> backend =
        ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    try (Stream<String> keys =
        backend.getKeys(JobState.timelineDescriptor().getName(), VoidNamespace.INSTANCE)) {
      return keys.toList();
    }
  }

  /** A savepoint as a running job takes it: the heap written back before the barrier. */
  private OperatorSubtaskState savepoint() throws Exception {
    harness.prepareSnapshotPreBarrier(1);
    return harness.snapshot(1, 1);
  }

  private void send(String id, Instant time, String type) throws Exception {
    send("alice", id, time, type);
  }

  private void send(String customer, String id, Instant time, String type) throws Exception {
    send(customer, id, time, type, Map.of());
  }

  private void send(String customer, String id, Instant time, String type,
      Map<String, Object> attributes) throws Exception {
    InteractionEvent event = InteractionEvent.newBuilder().setEventId(id).setCustomerId(customer)
        .setTimestamp(time).setType(type).setChannel(Channel.WEB).setAttributes(attributes)
        .build();
    harness.processElement(new StreamRecord<>(event, time.toEpochMilli()));
  }

  private List<String> matches() {
    return harness.extractOutputValues().stream().map(m -> m.getMatch().getPatternId() + " "
        + String.join(",", m.getMatch().getEventIds())).toList();
  }

  /**
   * The profile's TTL as production runs it: RocksDB, processing time, counted from the last
   * update (reads do not extend it). Bob's events push Alice off the heap, so her next event
   * reads her profile from RocksDB.
   */
  @Test
  void shouldForgetAProfileNobodyUpdatedForTheRetentionPeriodOnRocksDb() throws Exception {
    start(patterns("job", """
        id: gold-view
        steps:
          - name: view
            when: event.type == "page.view" && profile.tier == "gold"
        """), null, 1);
    long retention = Duration.ofDays(400).toMillis();
    harness.setStateTtlProcessingTime(0);
    send("alice", "u1", minutes(1), CustomerTimeline.PROFILE_UPDATE_TYPE, Map.of("tier", "gold"));
    send("alice", "v1", minutes(2), "page.view");
    harness.processWatermark(minutes(2).toEpochMilli());
    send("bob", "b1", minutes(3), "page.view");
    harness.processWatermark(minutes(3).toEpochMilli());

    harness.setStateTtlProcessingTime(retention - 1);
    send("alice", "v2", minutes(4), "page.view");
    harness.processWatermark(minutes(4).toEpochMilli());
    send("bob", "b2", minutes(5), "page.view");
    harness.processWatermark(minutes(5).toEpochMilli());

    harness.setStateTtlProcessingTime(retention + 1);
    send("alice", "v3", minutes(6), "page.view");
    harness.processWatermark(minutes(6).toEpochMilli());

    assertThat(matches()).as("a profile read just before the retention ends still counts; after"
        + " it, the profile is gone").containsExactly("gold-view v1", "gold-view v2");
  }

  @Test
  void shouldRunEveryPatternInOneStateAndForgetItWhenPartialMatchesTimeOut() throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h"), A_THEN_C), null);
    send("a1", minutes(1), "a");
    send("a2", minutes(2), "a");
    send("b1", minutes(3), "b");
    harness.processWatermark(minutes(3).toEpochMilli());

    assertThat(matches()).containsExactly("a-then-b a1,b1");
    assertThat(harness.numEventTimeTimers())
        .as("one timer for two partial matches of a-then-c: the earliest deadline").isEqualTo(1);

    harness.processWatermark(minutes(62).toEpochMilli());
    assertThat(harness.numEventTimeTimers()).isZero();
    send("c1", minutes(63), "c");
    harness.processWatermark(minutes(63).toEpochMilli());
    assertThat(matches()).as("the partial matches timed out").hasSize(1);
  }

  @Test
  void shouldKeepTheEventsALaterStepReadsAcrossARestoreAndForgetThemWithThePartialMatch()
      throws Exception {
    String sameOrder = """
        id: same-order
        afterMatch: no-skip
        steps:
          - name: placed
            when: event.type == "placed"
          - name: delivered
            when: >-
              event.type == "delivered"
              && event.attributes.orderId == steps.placed.attributes.orderId
        within: 1h
        """;
    start(patterns("job", sameOrder), null);
    send("alice", "p1", minutes(1), "placed", Map.of("orderId", "o-1"));
    send("alice", "p2", minutes(2), "placed", Map.of("orderId", "o-2"));
    harness.processWatermark(minutes(2).toEpochMilli());
    OperatorSubtaskState savepoint = savepoint();
    harness.close();

    start(patterns("job", sameOrder), savepoint);
    send("alice", "d2", minutes(5), "delivered", Map.of("orderId", "o-2"));
    send("alice", "d9", minutes(6), "delivered", Map.of("orderId", "o-9"));
    harness.processWatermark(minutes(6).toEpochMilli());
    assertThat(matches()).as("only the partial match that took o-2's placement")
        .containsExactly("same-order p2,d2");

    harness.processWatermark(minutes(62).toEpochMilli());
    harness.prepareSnapshotPreBarrier(2);
    assertThat(timelinesInKeyedState()).as("state, with the events kept for steps.placed, gone")
        .isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  /** The timeline list as the release before {@code EngineState.stepEvents} wrote it. */
  private static final class PreviousReleaseEngineEntry
      extends KeyedProcessFunction<String, TimelineEntry, Void> {
    private final String schemaJson;

    PreviousReleaseEngineEntry(Schema previous) {
      this.schemaJson = previous.toString();
    }

    @Override
    public void processElement(TimelineEntry entry, Context ctx, Collector<Void> out)
        throws Exception {
      getRuntimeContext().getListState(new ListStateDescriptor<>(
          JobState.timelineDescriptor().getName(), new PreviousReleaseAvroSerializer<>(
              TimelineEntry.class, new Schema.Parser().parse(schemaJson)))).add(entry);
      ctx.timerService().registerEventTimeTimer(entry.getEngine().getDeadline());
    }
  }

  /** TimelineEntry's schema as it was before EngineState gained stepEvents. */
  private static Schema schemaBeforeStepEvents() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode schema = json.readTree(TimelineEntry.getClassSchema().toString());
    for (JsonNode field : schema.get("fields")) {
      for (JsonNode branch : field.path("type")) {
        if ("EngineState".equals(branch.path("name").asText())) {
          ArrayNode fields = (ArrayNode) branch.get("fields");
          assertThat(fields.get(fields.size() - 1).get("name").asText()).isEqualTo("stepEvents");
          fields.remove(fields.size() - 1);
        }
      }
    }
    return new Schema.Parser().parse(json.writeValueAsString(schema));
  }

  @Test
  void shouldRestoreThePartialMatchesOfASavepointWrittenBeforeStepEventsOnRocksDb()
      throws Exception {
    List<CompiledPattern> patterns = patterns("job", A_THEN_B.formatted("1h"));
    JourneyMatcher matcher = new JourneyMatcher(patterns.get(0).definition(), 1_000);
    PatternState waiting = matcher.onEvent(matcher.initialState(), "a1",
        minutes(1).toEpochMilli(), 1L, match -> { throw new AssertionError(match); });
    EngineState engine = EngineState.newBuilder()
        .setPatterns(Map.of(patterns.get(0).operatorUid(), waiting.toRecord()))
        .setDeadline(matcher.nextDeadline(waiting)).build();
    var previous = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PreviousReleaseEngineEntry(schemaBeforeStepEvents())),
        (TimelineEntry entry) -> "alice", Types.STRING);
    previous.setStateBackend(new EmbeddedRocksDBStateBackend());
    previous.open();
    previous.processElement(new StreamRecord<>(
        new TimelineEntry("", Long.MAX_VALUE, null, engine), minutes(1).toEpochMilli()));
    OperatorSubtaskState savepoint = previous.snapshot(1, 1);
    previous.close();

    start(patterns, savepoint);
    send("b1", minutes(5), "b");
    harness.processWatermark(minutes(5).toEpochMilli());

    assertThat(matches()).containsExactly("a-then-b a1,b1");
  }

  @Test
  void shouldKeepUnchangedPatternsPartialMatchesAcrossARestoreAndDropChangedOnes()
      throws Exception {
    start(patterns("before", A_THEN_B.formatted("1h"), A_THEN_C), null);
    send("a1", minutes(1), "a");
    harness.processWatermark(minutes(1).toEpochMilli());
    OperatorSubtaskState savepoint = savepoint();
    harness.close();

    start(patterns("after", A_THEN_B.formatted("2h"), A_THEN_C), savepoint);
    send("b1", minutes(5), "b");
    send("c1", minutes(6), "c");
    harness.processWatermark(minutes(6).toEpochMilli());

    assertThat(matches()).as("a-then-b changed (its within), so its partial match is gone")
        .containsExactly("a-then-c a1,c1");
    harness.processWatermark(minutes(200).toEpochMilli());
    assertThat(harness.numEventTimeTimers()).isZero();
    send("b2", minutes(201), "b");
    harness.processWatermark(minutes(201).toEpochMilli());
    assertThat(matches()).hasSize(1);
  }

  @Test
  void shouldReleaseWhatTheWatermarkPassedFromTheHeapWithoutATimerPerEvent() throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h")), null);
    send("a1", minutes(1), "a");
    send("b1", minutes(2), "b");
    send("a2", minutes(3), "a");
    send("later", minutes(20), "x");
    assertThat(harness.numEventTimeTimers()).as("waiting on the heap, no timers").isZero();

    harness.processWatermark(minutes(3).toEpochMilli());

    assertThat(matches()).containsExactly("a-then-b a1,b1");
    assertThat(harness.numEventTimeTimers()).as("a2's deadline").isEqualTo(1);
    assertThat(timelinesInKeyedState()).as("nothing written before a checkpoint")
        .isZero();

    harness.prepareSnapshotPreBarrier(1);
    assertThat(harness.numEventTimeTimers())
        .as("written back: a timer for the event still waiting, beside the deadline")
        .isEqualTo(2);
    assertThat(timelinesInKeyedState()).isPositive();
  }

  /** The checkpoint barrier's write-back waits for every event behind it: keep it short. */
  @Test
  void shouldWriteBackCustomersUnchangedForAWhileAtAWatermarkAheadOfTheCheckpoint()
      throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h")), null);
    harness.setProcessingTime(10_000);
    send("alice", "a1", minutes(1), "a");
    harness.processWatermark(minutes(2).toEpochMilli());

    harness.setProcessingTime(11_000);
    send("bob", "a2", minutes(3), "a");
    harness.processWatermark(minutes(4).toEpochMilli());
    assertThat(timelinesInKeyedState()).as("alice unchanged for 1 s only").isZero();

    harness.setProcessingTime(12_000);
    harness.processWatermark(minutes(5).toEpochMilli());
    assertThat(customersInKeyedState()).as("alice unchanged for 2 s, bob for 1 s")
        .containsExactly("alice");

    send("alice", "b1", minutes(6), "b");
    harness.setProcessingTime(14_000);
    harness.processWatermark(minutes(7).toEpochMilli());
    assertThat(matches()).containsExactly("a-then-b a1,b1");
    assertThat(customersInKeyedState()).as("bob now too; alice changed again at 12 s")
        .containsExactlyInAnyOrder("alice", "bob");

    OperatorSubtaskState restored = savepoint();
    harness.close();
    start(patterns("job", A_THEN_B.formatted("1h")), restored);
    send("bob", "b2", minutes(8), "b");
    harness.processWatermark(minutes(9).toEpochMilli());
    assertThat(matches()).as("bob's partial match was written back early and restored")
        .containsExactly("a-then-b a2,b2");
  }

  @Test
  void shouldReleaseEventsWaitingAtACheckpointAfterARestore() throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h")), null);
    send("a1", minutes(1), "a");
    send("b1", minutes(2), "b");
    OperatorSubtaskState checkpoint = savepoint();
    harness.close();

    start(patterns("job", A_THEN_B.formatted("1h")), checkpoint);
    send("b1", minutes(2), "b");
    harness.processWatermark(minutes(2).toEpochMilli());

    assertThat(matches()).as("released from keyed state by the timer set at the write-back;"
        + " the redelivered b1 is a duplicate").containsExactly("a-then-b a1,b1");
  }

  @Test
  void shouldDecideTheSameWhenCustomersAreEvictedFromTheHeap() throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h")), null, 1);
    send("alice", "a1", minutes(1), "a");
    send("bob", "a2", minutes(1), "a");
    harness.processWatermark(minutes(1).toEpochMilli());
    send("alice", "b1", minutes(2), "b");
    send("alice", "b1", minutes(2), "b");
    send("bob", "b2", minutes(3), "b");
    send("alice", "a1", minutes(4), "a");
    harness.processWatermark(minutes(10).toEpochMilli());

    assertThat(matches()).as("each customer's partial match survived eviction; the duplicates"
        + " were dropped by ids read back from keyed state")
        .containsExactly("a-then-b a1,b1", "a-then-b a2,b2");
  }

  @Test
  void shouldReleaseEveryEventOfAnEvictedTimelineThoughItHasATimerAtItsEarliestOnly()
      throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h")), null, 1);
    send("alice", "a1", minutes(1), "a");
    send("alice", "b1", minutes(5), "b");
    send("bob", "x1", minutes(1), "x");
    harness.processWatermark(minutes(2).toEpochMilli());
    harness.processWatermark(minutes(6).toEpochMilli());

    assertThat(matches()).as("a1 released by alice's timer in keyed state, b1 by the next one")
        .containsExactly("a-then-b a1,b1");
  }

  @Test
  void shouldForgetReleasedIdsOfAWrittenBackTimelineOnceTheyLeaveTheDedupWindow()
      throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h")), null, 1);
    send("alice", "x1", minutes(1), "x");
    harness.processWatermark(minutes(1).toEpochMilli());
    send("bob", "x2", minutes(2), "x");
    assertThat(harness.numEventTimeTimers()).as("alice evicted, her ids wait for a timer")
        .isEqualTo(1);
    harness.processWatermark(minutes(2).toEpochMilli());
    harness.prepareSnapshotPreBarrier(1);

    harness.processWatermark(minutes(30).toEpochMilli());
    send("carol", "x3", minutes(31), "x");
    harness.processWatermark(minutes(31).toEpochMilli());
    harness.prepareSnapshotPreBarrier(2);
    harness.processWatermark(minutes(60).toEpochMilli());
    harness.prepareSnapshotPreBarrier(3);
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(timelinesInKeyedState()).as("everything left the dedup window").isZero();
  }

  @Test
  void shouldSendLateEventsToTheirOutputAndErasureRequestsWithTheMatches() throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h")), null);
    send("a1", minutes(1), "a");
    harness.processWatermark(minutes(5).toEpochMilli());
    send("late", minutes(4), "b");
    send("erase", minutes(6), CustomerTimeline.ERASURE_TYPE);
    harness.processWatermark(minutes(6).toEpochMilli());

    assertThat(harness.getSideOutput(JobState.LATE_EVENTS)).extracting(StreamRecord::getValue)
        .singleElement().satisfies(late -> {
          assertThat(late.getEvent().getEventId()).isEqualTo("late");
          assertThat(late.getReason()).isEqualTo(LateEvents.BEHIND_WATERMARK);
          assertThat(late.getWatermark()).isEqualTo(minutes(5));
          assertThat(late.getBehindMillis()).isEqualTo(Duration.ofMinutes(1).toMillis());
        });
    assertThat(matches()).as("the erasure request goes out with the matches, for audiences")
        .containsExactly(JobState.ERASURE_PATTERN_ID + " erase");
  }

  @Test
  void shouldDropAllPartialMatchesOfPatternsNoLongerInTheJob() throws Exception {
    start(patterns("before", A_THEN_B.formatted("1h"), A_THEN_C), null);
    send("a1", minutes(1), "a");
    harness.processWatermark(minutes(1).toEpochMilli());
    OperatorSubtaskState savepoint = savepoint();
    harness.close();

    start(patterns("after", A_THEN_C.replace("a-then-c", "a-then-d").replace("\"c\"", "\"d\"")),
        savepoint);
    send("d1", minutes(5), "d");
    send("x", minutes(6), "x");
    harness.processWatermark(minutes(100).toEpochMilli());

    assertThat(matches()).isEmpty();
    assertThat(harness.numEventTimeTimers()).as("the restored timer fired and left none")
        .isZero();
  }
}
