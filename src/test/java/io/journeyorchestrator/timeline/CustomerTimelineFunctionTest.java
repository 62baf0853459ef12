package io.journeyorchestrator.timeline;

import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The customer timeline releases events in event-time order with the profile as of each. */
class CustomerTimelineFunctionTest {
  private KeyedOneInputStreamOperatorTestHarness<String, InteractionEvent, JourneyEvent> harness;

  @BeforeEach
  void start() throws Exception {
    harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new CustomerTimelineFunction(new CustomerTimeline(Duration.ofDays(400).toMillis(),
            Duration.ofMinutes(10).toMillis(), ProfileReads.everyType())),
        InteractionEvent::getCustomerId, Types.STRING);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static InteractionEvent event(String id, Instant time, String type,
      Map<String, Object> attributes) {
    return InteractionEvent.newBuilder().setEventId(id).setCustomerId("alice").setTimestamp(time)
        .setType(type).setChannel(Channel.WEB).setAttributes(attributes).build();
  }

  private void send(InteractionEvent event) throws Exception {
    harness.processElement(new StreamRecord<>(event, event.getTimestamp().toEpochMilli()));
  }

  @Test
  void shouldReleaseEventsInEventTimeOrderOnceTheWatermarkPassesThem() throws Exception {
    send(event("b", minutes(2), "page.view", Map.of()));
    send(event("a", minutes(1), "page.view", Map.of()));
    send(event("d", minutes(3), "page.view", Map.of()));
    send(event("c", minutes(3), "page.view", Map.of()));
    harness.processWatermark(minutes(2).toEpochMilli());
    assertThat(harness.extractOutputValues()).extracting(e -> e.getEvent().getEventId())
        .containsExactly("a", "b");

    harness.processWatermark(minutes(3).toEpochMilli());
    assertThat(harness.extractOutputValues()).extracting(e -> e.getEvent().getEventId())
        .containsExactly("a", "b", "c", "d");
    harness.processWatermark(minutes(15).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldForgetTheProfileOnAnErasureRequestAndPassTheRequestToAudiences() throws Exception {
    send(event("a", minutes(1), "profile.updated", Map.of("tier", "gold")));
    send(event("b", minutes(2), CustomerTimeline.ERASURE_TYPE, Map.of()));
    send(event("c", minutes(3), "page.view", Map.of()));
    harness.processWatermark(minutes(3).toEpochMilli());

    assertThat(harness.extractOutputValues())
        .extracting(e -> e.getEvent().getEventId() + " " + e.getProfile())
        .containsExactly("a {tier=gold}", "b {}", "c {}");
    assertThat(harness.getSideOutput(JobState.ERASURES)).singleElement().satisfies(request -> {
      assertThat(request.getValue().getMatch().getPatternId())
          .isEqualTo(JobState.ERASURE_PATTERN_ID);
      assertThat(request.getValue().getMatch().getEventIds()).containsExactly("b");
      assertThat(request.getValue().getMatch().getEndTime()).isEqualTo(minutes(2));
    });
    harness.processWatermark(minutes(30).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void shouldDropDuplicateEventIdsWithinTheDedupWindow() throws Exception {
    send(event("a", minutes(1), "call.inbound", Map.of()));
    send(event("a", minutes(1), "call.inbound", Map.of()));
    harness.processWatermark(minutes(5).toEpochMilli());
    send(event("a", minutes(6), "call.inbound", Map.of()));
    harness.processWatermark(minutes(11).toEpochMilli());
    send(event("a", minutes(12), "call.inbound", Map.of()));
    harness.processWatermark(minutes(30).toEpochMilli());

    assertThat(harness.extractOutputValues()).extracting(e -> e.getEvent().getTimestamp())
        .containsExactly(minutes(1), minutes(12));
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void shouldAttachTheProfileAsOfEachEvent() throws Exception {
    Map<String, Object> gold = new HashMap<>();
    gold.put("tier", "gold");
    gold.put("segment", "consumer");
    Map<String, Object> dropSegment = new HashMap<>();
    dropSegment.put("segment", null);
    send(event("p2", minutes(3), "profile.updated", dropSegment));
    send(event("v1", minutes(1), "page.view", Map.of()));
    send(event("p1", minutes(2), "profile.updated", gold));
    send(event("v2", minutes(4), "page.view", Map.of()));
    harness.processWatermark(minutes(4).toEpochMilli());

    assertThat(harness.extractOutputValues()).extracting(e -> e.getEvent().getEventId() + " "
            + new java.util.TreeMap<>(e.getProfile()))
        .containsExactly("v1 {}", "p1 {segment=consumer, tier=gold}", "p2 {tier=gold}",
            "v2 {tier=gold}");
  }

  @Test
  void shouldSendEventsAtOrBehindTheWatermarkToLateEvents() throws Exception {
    harness.processWatermark(minutes(5).toEpochMilli());
    send(event("late", minutes(5), "page.view", Map.of()));
    send(event("fine", minutes(6), "page.view", Map.of()));
    harness.processWatermark(minutes(6).toEpochMilli());

    assertThat(harness.getSideOutput(JobState.LATE_EVENTS)).extracting(r -> r.getValue()
        .getEvent().getEventId() + " " + r.getValue().getReason() + " by "
        + r.getValue().getBehindMillis()).containsExactly("late behind-watermark by 0");
    assertThat(harness.extractOutputValues()).extracting(e -> e.getEvent().getEventId())
        .containsExactly("fine");
  }

  @Test
  void shouldDropADuplicateThatArrivesLaterWithAnEarlierTimeOnRocksDb() throws Exception {
    onRocksDb();
    send(event("a", minutes(3), "call.inbound", Map.of()));
    send(event("a", minutes(2), "call.inbound", Map.of()));
    harness.processWatermark(minutes(5).toEpochMilli());
    send(event("a", minutes(9), "call.inbound", Map.of()));
    harness.processWatermark(minutes(40).toEpochMilli());

    assertThat(harness.extractOutputValues()).extracting(e -> e.getEvent().getTimestamp())
        .containsExactly(minutes(3));
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  /** Writes timeline state as the release before the timeline list did. */
  private static final class PreviousReleaseTimeline
      extends KeyedProcessFunction<String, InteractionEvent, JourneyEvent> {
    @Override
    public void processElement(InteractionEvent event, Context ctx, Collector<JourneyEvent> out)
        throws Exception {
      long at = event.getTimestamp().toEpochMilli();
      getRuntimeContext().getMapState(JobState.seenEventIdsDescriptor())
          .put(event.getEventId(), at);
      if (event.getType().equals("released")) {
        return;
      }
      getRuntimeContext().getMapState(JobState.pendingEventsDescriptor()).put(at, List.of(event));
      ctx.timerService().registerEventTimeTimer(at);
      long bucket = minutes(12).toEpochMilli();
      getRuntimeContext().getMapState(JobState.seenEventIdExpiriesDescriptor())
          .put(bucket, List.of(event.getEventId()));
      ctx.timerService().registerEventTimeTimer(bucket);
    }
  }

  @Test
  void shouldReleaseEventsAndKnowIdsOfASavepointOfThePreviousReleaseOnRocksDb() throws Exception {
    var previous = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PreviousReleaseTimeline()),
        InteractionEvent::getCustomerId, Types.STRING);
    previous.setStateBackend(new EmbeddedRocksDBStateBackend());
    previous.open();
    previous.processElement(new StreamRecord<>(event("old", minutes(2), "page.view", Map.of()),
        minutes(2).toEpochMilli()));
    previous.processElement(new StreamRecord<>(event("gone", minutes(1), "released", Map.of()),
        minutes(1).toEpochMilli()));
    OperatorSubtaskState savepoint = previous.snapshot(1, 1);
    previous.close();

    harness.close();
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new EarlierStateOperator<>(new CustomerTimelineFunction(new CustomerTimeline(
            Duration.ofDays(400).toMillis(), Duration.ofMinutes(10).toMillis(),
            ProfileReads.everyType()))),
        InteractionEvent::getCustomerId, Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    harness.initializeState(savepoint);
    harness.open();
    send(event("new", minutes(2), "page.view", Map.of()));
    send(event("first", minutes(1), "page.view", Map.of()));
    send(event("old", minutes(3), "page.view", Map.of()));
    send(event("gone", minutes(4), "page.view", Map.of()));
    harness.processWatermark(minutes(30).toEpochMilli());

    // The resent "old" and "gone" are duplicates of an event waiting and one released before.
    assertThat(harness.extractOutputValues())
        .extracting(e -> e.getEvent().getEventId() + "@" + e.getEvent().getTimestamp())
        .containsExactly("first@" + minutes(1), "new@" + minutes(2), "old@" + minutes(2));
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  private void onRocksDb() throws Exception {
    harness.close();
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new EarlierStateOperator<>(new CustomerTimelineFunction(new CustomerTimeline(
            Duration.ofDays(400).toMillis(), Duration.ofMinutes(10).toMillis(),
            ProfileReads.everyType()))),
        InteractionEvent::getCustomerId, Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    harness.open();
  }
}
