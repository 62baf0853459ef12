package io.journeyorchestrator.suppression;

import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.MembershipChange;
import io.journeyorchestrator.avro.SuppressionDecision;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.internal.avro.Membership;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.internal.avro.SuppressionState;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.formats.avro.typeutils.PreviousReleaseAvroSerializer;
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

/** Suppressions follow the customer's policy audiences: SUPPRESS, refreshed until, RELEASE. */
class SuppressionPolicyFunctionTest {
  private static final SuppressionDefinition QUIET = new SuppressionDefinition("quiet",
      List.of("support-case", "payment-trouble"), List.of("EMAIL", "SMS"), List.of("marketing"),
      "test");

  private KeyedOneInputStreamOperatorTestHarness<String, MembershipUpdate, SuppressionDecision>
      harness;
  private long latestSent = Long.MIN_VALUE;

  @BeforeEach
  void start() throws Exception {
    harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new SuppressionPolicyFunction(List.of(QUIET)),
        u -> u.getChange().getCustomerId(), Types.STRING);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void send(String audience, MembershipChange change, long minute, Long expiresAtMinute,
      boolean refresh) throws Exception {
    AudienceChange audienceChange = AudienceChange.newBuilder()
        .setChangeId(audience + change + minute)
        .setCustomerId("alice")
        .setAudienceId(audience)
        .setChange(change)
        .setReason("pattern:p")
        .setEventTime(minutes(minute))
        .setExpiresAt(expiresAtMinute == null ? null : minutes(expiresAtMinute))
        .setEventIds(List.of())
        .build();
    harness.processElement(new StreamRecord<>(new MembershipUpdate(audienceChange, refresh),
        minutes(minute).toEpochMilli()));
    latestSent = Math.max(latestSent, minutes(minute).toEpochMilli());
  }

  private static void send(
      KeyedOneInputStreamOperatorTestHarness<String, MembershipUpdate, SuppressionDecision> to,
      String audience, MembershipChange change, long minute) throws Exception {
    AudienceChange audienceChange = AudienceChange.newBuilder().setChangeId(audience + minute)
        .setCustomerId("alice").setAudienceId(audience).setChange(change).setReason("pattern:p")
        .setEventTime(minutes(minute)).setEventIds(List.of()).build();
    to.processElement(new StreamRecord<>(new MembershipUpdate(audienceChange, false),
        minutes(minute).toEpochMilli()));
  }

  /** Decisions once the watermark reached every update sent so far. */
  private List<String> decisions() throws Exception {
    harness.processWatermark(latestSent);
    return harness.extractOutputValues().stream()
        .map(d -> d.getAction() + " " + d.getAudiences() + " @" + minute(d.getEventTime())
            + (d.getUntil() == null ? "" : " until @" + minute(d.getUntil())))
        .toList();
  }

  private static long minute(Instant instant) {
    return Duration.between(minutes(0), instant).toMinutes();
  }

  @Test
  void shouldSuppressOnceWhileOverlappingAudiencesHoldAndReleaseWhenNoneDoes() throws Exception {
    send("support-case", MembershipChange.ENTERED, 1, null, false);
    send("payment-trouble", MembershipChange.ENTERED, 2, null, false);
    send("support-case", MembershipChange.EXITED, 3, null, false);
    send("payment-trouble", MembershipChange.EXITED, 4, null, false);

    assertThat(decisions()).containsExactly("SUPPRESS [support-case] @1", "RELEASE [] @4");
    SuppressionDecision first = harness.extractOutputValues().get(0);
    assertThat(first.getChannels()).containsExactly("EMAIL", "SMS");
    assertThat(first.getCategories()).containsExactly("marketing");
    assertThat(first.getPolicyId()).isEqualTo("quiet");
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void shouldSetUntilToTheLatestExpiryWhenEveryHoldingAudienceExpires() throws Exception {
    send("support-case", MembershipChange.ENTERED, 1, 200L, false);
    send("payment-trouble", MembershipChange.ENTERED, 2, 50L, false);
    send("payment-trouble", MembershipChange.ENTERED, 3, 250L, true);
    send("support-case", MembershipChange.EXITED, 200, null, false);
    send("payment-trouble", MembershipChange.EXITED, 250, null, false);

    assertThat(decisions()).containsExactly(
        "SUPPRESS [support-case] @1 until @200",
        "SUPPRESS [support-case, payment-trouble] @3 until @250",
        "RELEASE [] @250");
  }

  @Test
  void shouldDropUntilWhileAnAudienceWithoutExpiryHolds() throws Exception {
    send("support-case", MembershipChange.ENTERED, 1, 100L, false);
    send("payment-trouble", MembershipChange.ENTERED, 2, null, false);
    send("payment-trouble", MembershipChange.EXITED, 5, null, false);

    assertThat(decisions()).containsExactly(
        "SUPPRESS [support-case] @1 until @100",
        "SUPPRESS [support-case, payment-trouble] @2",
        "SUPPRESS [support-case] @5 until @100");
  }

  @Test
  void shouldSendNothingWhenNothingAboutTheSuppressionChanges() throws Exception {
    send("support-case", MembershipChange.ENTERED, 1, null, false);
    send("payment-trouble", MembershipChange.ENTERED, 2, null, false);
    send("other-audience", MembershipChange.ENTERED, 3, null, false);

    assertThat(decisions()).containsExactly("SUPPRESS [support-case] @1");
  }

  @Test
  void shouldDecideOnceFromEveryChangeAtOneInstant() throws Exception {
    send("support-case", MembershipChange.ENTERED, 1, null, false);
    send("payment-trouble", MembershipChange.ENTERED, 2, 100L, false);
    // Both exit at one instant (an erasure): the customer is released, never suppressed by
    // payment-trouble alone in between.
    send("support-case", MembershipChange.EXITED, 5, null, false);
    send("payment-trouble", MembershipChange.EXITED, 5, null, false);
    // One audience hands over to another at one instant: still suppressed, nothing to send.
    send("support-case", MembershipChange.ENTERED, 8, null, false);
    send("support-case", MembershipChange.EXITED, 9, null, false);
    send("payment-trouble", MembershipChange.ENTERED, 9, null, false);

    assertThat(decisions()).containsExactly("SUPPRESS [support-case] @1", "RELEASE [] @5",
        "SUPPRESS [support-case] @8");
  }

  @Test
  void shouldSendNothingForAMembershipThatEntersAndExitsAtOneInstant() throws Exception {
    // An activation exactly at the absence deadline: the entry and the exit share the instant.
    send("support-case", MembershipChange.ENTERED, 10, null, false);
    send("support-case", MembershipChange.EXITED, 10, null, false);

    assertThat(decisions()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  /**
   * Writes a pending update as the previous release did: the same classes, serialized with the
   * schema of that release (AudienceChange without 'extended').
   */
  private static final class PreviousReleasePendingUpdate
      extends KeyedProcessFunction<String, MembershipUpdate, Void> {
    private final String schemaJson;

    PreviousReleasePendingUpdate(Schema schema) {
      this.schemaJson = schema.toString();
    }

    @Override
    public void processElement(MembershipUpdate update, Context ctx, Collector<Void> out)
        throws Exception {
      Schema previous = new Schema.Parser().parse(schemaJson);
      MapState<Long, List<MembershipUpdate>> pending = getRuntimeContext().getMapState(
          new MapStateDescriptor<>("pending-membership-updates", LongSerializer.INSTANCE,
              new ListSerializer<>(new PreviousReleaseAvroSerializer<>(MembershipUpdate.class,
                  previous))));
      long at = update.getChange().getEventTime().toEpochMilli();
      pending.put(at, List.of(update));
      ctx.timerService().registerEventTimeTimer(at);
    }
  }

  @Test
  void shouldRestoreUpdatesWaitingInASavepointOfThePreviousReleaseOnRocksDb() throws Exception {
    Schema.Parser parser = new Schema.Parser();
    parser.parse(Path.of("schemas/history/AudienceChange/v1.avsc").toFile());
    Schema previousUpdate = parser.parse(Path.of("src/main/avro/MembershipUpdate.avsc").toFile());
    var previous = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PreviousReleasePendingUpdate(previousUpdate)),
        (MembershipUpdate u) -> u.getChange().getCustomerId(), Types.STRING);
    previous.setStateBackend(new EmbeddedRocksDBStateBackend());
    previous.open();
    AudienceChange entered = AudienceChange.newBuilder().setChangeId("c1")
        .setCustomerId("alice").setAudienceId("support-case").setChange(MembershipChange.ENTERED)
        .setReason("pattern:p").setEventTime(minutes(1)).setExpiresAt(minutes(30))
        .setEventIds(List.of("e1")).build();
    previous.processElement(new StreamRecord<>(new MembershipUpdate(entered, false),
        minutes(1).toEpochMilli()));
    OperatorSubtaskState savepoint = previous.snapshot(1, 1);
    previous.close();

    harness.close();
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new EarlierStateOperator<>(new SuppressionPolicyFunction(List.of(QUIET))),
        u -> u.getChange().getCustomerId(), Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    harness.initializeState(savepoint);
    harness.open();
    harness.processWatermark(minutes(1).toEpochMilli());

    assertThat(harness.extractOutputValues()).extracting(d -> d.getAction() + " until @"
        + minute(d.getUntil())).containsExactly("SUPPRESS until @30");
  }

  private void restore(OperatorSubtaskState snapshot, SuppressionDefinition policy)
      throws Exception {
    harness.close();
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new EarlierStateOperator<>(new SuppressionPolicyFunction(List.of(policy))),
        u -> u.getChange().getCustomerId(), Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (snapshot != null) {
      harness.initializeState(snapshot);
    }
    harness.open();
  }

  @Test
  void shouldDropTheHoldOfAnAudienceNoLongerWatchedWhenTheCustomerIsNextSeenOnRocksDb()
      throws Exception {
    SuppressionDefinition paymentsOnly = new SuppressionDefinition("quiet",
        List.of("payment-trouble"), List.of("EMAIL", "SMS"), List.of("marketing"), "test");
    restore(null, QUIET);
    send("support-case", MembershipChange.ENTERED, 1, null, false);
    assertThat(decisions()).containsExactly("SUPPRESS [support-case] @1");
    OperatorSubtaskState watchingBoth = harness.snapshot(1, 1);

    restore(watchingBoth, paymentsOnly);
    send("payment-trouble", MembershipChange.ENTERED, 5, null, false);
    assertThat(decisions()).as("still suppressed, with the same until").isEmpty();
    OperatorSubtaskState watchingPayments = harness.snapshot(2, 2);

    restore(watchingPayments, QUIET);
    send("payment-trouble", MembershipChange.EXITED, 10, null, false);
    assertThat(decisions()).as("support-case's hold was dropped while it was not watched")
        .containsExactly("RELEASE [] @10");
  }

  /** Writes a hold and a suppression as releases before the suppressions value did. */
  private static final class PreviousReleaseHolds
      extends KeyedProcessFunction<String, MembershipUpdate, SuppressionDecision> {
    @Override
    public void processElement(MembershipUpdate update, Context ctx,
        Collector<SuppressionDecision> out) throws Exception {
      getRuntimeContext().getMapState(JobState.audienceHoldsDescriptor()).put("support-case",
          new Membership(minutes(1).toEpochMilli(), null));
      getRuntimeContext().getMapState(JobState.suppressingDescriptor()).put("quiet",
          new SuppressionState(null));
    }
  }

  @Test
  void shouldMoveHoldsAndSuppressionsOfTheEarlierLayoutIntoOneValueOnRocksDb() throws Exception {
    var previous = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PreviousReleaseHolds()),
        (MembershipUpdate u) -> u.getChange().getCustomerId(), Types.STRING);
    previous.setStateBackend(new EmbeddedRocksDBStateBackend());
    previous.open();
    send(previous, "support-case", MembershipChange.ENTERED, 1);
    OperatorSubtaskState savepoint = previous.snapshot(1, 1);
    previous.close();

    restore(savepoint, QUIET);
    send("payment-trouble", MembershipChange.ENTERED, 5, null, false);
    send("support-case", MembershipChange.EXITED, 10, null, false);
    send("payment-trouble", MembershipChange.EXITED, 20, null, false);

    assertThat(decisions()).as("suppressed since before the upgrade: released once, when the"
        + " last watched audience exits").containsExactly("RELEASE [] @20");
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
