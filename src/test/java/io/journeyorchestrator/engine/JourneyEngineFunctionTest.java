package io.journeyorchestrator.engine;

import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.matching.CompiledPattern;
import io.journeyorchestrator.timeline.CustomerTimeline;
import io.journeyorchestrator.timeline.ProfileReads;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
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
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new EarlierStateOperator<>(new JourneyEngineFunction(
            new CustomerTimeline(Duration.ofDays(400).toMillis(), Duration.ofMinutes(10).toMillis(),
                ProfileReads.everyType()),
            patterns, 1_000)),
        InteractionEvent::getCustomerId, Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (restored != null) {
      harness.initializeState(restored);
    }
    harness.open();
  }

  private void send(String id, Instant time, String type) throws Exception {
    InteractionEvent event = InteractionEvent.newBuilder().setEventId(id).setCustomerId("alice")
        .setTimestamp(time).setType(type).setChannel(Channel.WEB).setAttributes(Map.of())
        .build();
    harness.processElement(new StreamRecord<>(event, time.toEpochMilli()));
  }

  private List<String> matches() {
    return harness.extractOutputValues().stream().map(m -> m.getMatch().getPatternId() + " "
        + String.join(",", m.getMatch().getEventIds())).toList();
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
  void shouldKeepUnchangedPatternsPartialMatchesAcrossARestoreAndDropChangedOnes()
      throws Exception {
    start(patterns("before", A_THEN_B.formatted("1h"), A_THEN_C), null);
    send("a1", minutes(1), "a");
    harness.processWatermark(minutes(1).toEpochMilli());
    OperatorSubtaskState savepoint = harness.snapshot(1, 1);
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
  void shouldReleaseEverythingTheWatermarkPassedAtOnceAndLeaveNoTimerOfIt() throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h")), null);
    send("a1", minutes(1), "a");
    send("b1", minutes(2), "b");
    send("a2", minutes(3), "a");
    send("later", minutes(20), "x");
    assertThat(harness.numEventTimeTimers()).as("one per waiting event").isEqualTo(4);

    harness.processWatermark(minutes(3).toEpochMilli());

    assertThat(matches()).containsExactly("a-then-b a1,b1");
    assertThat(harness.numEventTimeTimers())
        .as("the waiting event's and a2's deadline; none left of the events released")
        .isEqualTo(2);
  }

  @Test
  void shouldSendLateEventsToTheirOutputAndErasureRequestsWithTheMatches() throws Exception {
    start(patterns("job", A_THEN_B.formatted("1h")), null);
    send("a1", minutes(1), "a");
    harness.processWatermark(minutes(5).toEpochMilli());
    send("late", minutes(4), "b");
    send("erase", minutes(6), CustomerTimeline.ERASURE_TYPE);
    harness.processWatermark(minutes(6).toEpochMilli());

    assertThat(harness.getSideOutput(JobState.LATE_EVENTS))
        .extracting(record -> record.getValue().getEventId()).containsExactly("late");
    assertThat(matches()).as("the erasure request goes out with the matches, for audiences")
        .containsExactly(JobState.ERASURE_PATTERN_ID + " erase");
  }

  @Test
  void shouldDropAllPartialMatchesOfPatternsNoLongerInTheJob() throws Exception {
    start(patterns("before", A_THEN_B.formatted("1h"), A_THEN_C), null);
    send("a1", minutes(1), "a");
    harness.processWatermark(minutes(1).toEpochMilli());
    OperatorSubtaskState savepoint = harness.snapshot(1, 1);
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
