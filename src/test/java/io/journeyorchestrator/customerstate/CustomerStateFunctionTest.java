package io.journeyorchestrator.customerstate;

import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.ActiveSuppression;
import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.BlockedAction;
import io.journeyorchestrator.avro.ChannelAction;
import io.journeyorchestrator.avro.ChannelDecision;
import io.journeyorchestrator.avro.CurrentAction;
import io.journeyorchestrator.avro.CurrentMembership;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.MembershipChange;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.keyed.HeapBufferOperator;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.StateInputCustomerKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.avro.Schema;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.PreviousReleaseAvroSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A customer's current state follows the membership updates instant by instant: one record per
 * instant, whole, with suppressions derived as the suppression operator derives them, an empty
 * state (a tombstone) when nothing is held, and no state left behind; on RocksDB, across a
 * snapshot and restore.
 */
class CustomerStateFunctionTest {
  private static final SuppressionDefinition QUIET = new SuppressionDefinition("quiet",
      List.of("support-case", "payment-trouble"), List.of("EMAIL"), List.of("marketing"), "test");
  private static final Set<String> AUDIENCES =
      Set.of("support-case", "payment-trouble", "high-value");

  private KeyedOneInputStreamOperatorTestHarness<String, Either<MembershipUpdate, NextBestAction>,
      CustomerState> harness;

  @BeforeEach
  void start() throws Exception {
    harness = harness(AUDIENCES);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String,
      Either<MembershipUpdate, NextBestAction>, CustomerState> harness(Set<String> audiences)
      throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new HeapBufferOperator<>(new CustomerStateFunction(audiences, List.of(QUIET))),
        new StateInputCustomerKey(), Types.STRING);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    return h;
  }

  private static MembershipUpdate update(String audience, MembershipChange change, long minute,
      Long expiresAtMinute, boolean extended) {
    AudienceChange audienceChange = AudienceChange.newBuilder()
        .setChangeId(audience + "-" + change + "-" + minute)
        .setCustomerId("alice")
        .setAudienceId(audience)
        .setChange(change)
        .setReason("pattern:p")
        .setEventTime(minutes(minute))
        .setExpiresAt(expiresAtMinute == null ? null : minutes(expiresAtMinute))
        .setEventIds(List.of())
        .setExtended(extended)
        .build();
    return new MembershipUpdate(audienceChange, extended);
  }

  private void send(MembershipUpdate update) throws Exception {
    harness.processElement(new StreamRecord<>(Either.Left(update),
        update.getChange().getEventTime().toEpochMilli()));
  }

  /** A next best action for alice at the minute: EMAIL takes the action, or nothing if null. */
  private void decide(String emailAction, long minute) throws Exception {
    NextBestAction decision = NextBestAction.newBuilder()
        .setDecisionId("d-" + minute)
        .setCustomerId("alice")
        .setEventTime(minutes(minute))
        .setChannels(List.of(
            new ChannelDecision("EMAIL", emailAction, emailAction != null ? List.of()
                : List.of(new BlockedAction("offer", "suppressed:quiet", null))),
            new ChannelDecision("SMS", null, List.of())))
        .setHoldout(false)
        .setSendAfter(emailAction == null ? null : minutes(minute + 600))
        .build();
    harness.processElement(new StreamRecord<>(Either.Right(decision),
        minutes(minute).toEpochMilli()));
  }

  @Test
  void shouldCarryWhatTheChannelsAreToDoAndWriteOnlyWhenThatChanges() throws Exception {
    send(update("support-case", MembershipChange.ENTERED, 10, null, false));
    decide("offer", 10);
    harness.processWatermark(minutes(10).toEpochMilli());
    List<CustomerState> states = emitted();
    assertThat(states).as("one record per instant, memberships and decision together").hasSize(1);
    assertThat(states.get(0).getNextBestAction()).isEqualTo(new CurrentAction("d-10",
        minutes(10), List.of(new ChannelAction("EMAIL", "offer")), minutes(610)));

    decide(null, 20);
    harness.processWatermark(minutes(20).toEpochMilli());
    states = emitted();
    assertThat(states).hasSize(1);
    assertThat(states.get(0).getNextBestAction()).as("nothing to do on any channel").isNull();
    assertThat(states.get(0).getChangeIds()).isEmpty();

    decide(null, 30);
    harness.processWatermark(minutes(30).toEpochMilli());
    assertThat(emitted()).as("a decision that changes nothing a touchpoint sees").isEmpty();

    send(update("support-case", MembershipChange.EXITED, 40, null, false));
    harness.processWatermark(minutes(40).toEpochMilli());
    assertThat(emitted()).singleElement().satisfies(
        state -> assertThat(CustomerStates.holdsNothing(state)).isTrue());
    assertThat(customersWithState()).isZero();
  }

  private List<CustomerState> emitted() {
    List<CustomerState> states = harness.extractOutputValues();
    harness.getOutput().clear();
    return states;
  }

  /** Keys holding either state of the operator, as RocksDB lists them. */
  private long customersWithState() throws Exception {
    KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
    long count = 0;
    for (String state : List.of(JobState.customerStateDescriptor().getName(),
        JobState.pendingStateUpdatesDescriptor().getName(),
        JobState.pendingStateDecisionsDescriptor().getName())) {
      try (Stream<String> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
        count += keys.count();
      }
    }
    return count;
  }

  @Test
  void shouldWriteTheWholeStateOncePerInstantWithDerivedSuppressions() throws Exception {
    send(update("high-value", MembershipChange.ENTERED, 10, null, false));
    send(update("support-case", MembershipChange.ENTERED, 10, 70L, false));
    assertThat(emitted()).as("nothing before the watermark reaches the instant").isEmpty();

    harness.processWatermark(minutes(10).toEpochMilli());
    List<CustomerState> states = emitted();
    assertThat(states).hasSize(1);
    CustomerState state = states.get(0);
    assertThat(state.getAsOf()).isEqualTo(minutes(10));
    assertThat(state.getMemberships()).containsExactly(
        new CurrentMembership("high-value", minutes(10), null),
        new CurrentMembership("support-case", minutes(10), minutes(70)));
    assertThat(state.getSuppressions()).containsExactly(new ActiveSuppression("quiet",
        List.of("EMAIL"), List.of("marketing"), List.of("support-case"), minutes(70)));
    assertThat(state.getChangeIds())
        .containsExactly("high-value-ENTERED-10", "support-case-ENTERED-10");
  }

  @Test
  void shouldKeepTheEntryTimeWhenAMembershipIsExtended() throws Exception {
    send(update("support-case", MembershipChange.ENTERED, 10, 70L, false));
    send(update("support-case", MembershipChange.ENTERED, 30, 90L, true));
    harness.processWatermark(minutes(30).toEpochMilli());

    List<CustomerState> states = emitted();
    assertThat(states).hasSize(2);
    assertThat(states.get(1).getMemberships())
        .containsExactly(new CurrentMembership("support-case", minutes(10), minutes(90)));
    assertThat(states.get(1).getSuppressions().get(0).getUntil()).isEqualTo(minutes(90));
  }

  @Test
  void shouldWriteAnEmptyStateWhenNothingIsHeldAndForgetTheCustomer() throws Exception {
    send(update("support-case", MembershipChange.ENTERED, 10, 70L, false));
    send(update("support-case", MembershipChange.EXITED, 70, null, false));
    harness.processWatermark(minutes(70).toEpochMilli());

    List<CustomerState> states = emitted();
    assertThat(states).hasSize(2);
    assertThat(CustomerStates.holdsNothing(states.get(1))).isTrue();
    assertThat(states.get(1).getSuppressions()).isEmpty();
    assertThat(states.get(1).getAsOf()).isEqualTo(minutes(70));
    assertThat(customersWithState()).as("keyed state left").isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldWriteNothingForAnExitOfACustomerItNeverHeld() throws Exception {
    send(update("support-case", MembershipChange.EXITED, 70, null, false));
    harness.processWatermark(minutes(70).toEpochMilli());

    assertThat(emitted()).isEmpty();
    assertThat(customersWithState()).isZero();
  }

  @Test
  void shouldKeepStateAcrossARestoreAndDropAudiencesTheJobNoLongerHas() throws Exception {
    send(update("high-value", MembershipChange.ENTERED, 10, null, false));
    send(update("support-case", MembershipChange.ENTERED, 10, null, false));
    harness.processWatermark(minutes(10).toEpochMilli());
    send(update("payment-trouble", MembershipChange.ENTERED, 20, null, false));
    emitted();
    // As a checkpoint takes it: the update waits on the heap until the barrier's preparation.
    harness.prepareSnapshotPreBarrier(1);
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();

    harness = harness(Set.of("support-case", "payment-trouble"));
    harness.initializeState(snapshot);
    harness.open();
    harness.processWatermark(minutes(20).toEpochMilli());

    List<CustomerState> states = emitted();
    assertThat(states).as("the update that waited in the snapshot").hasSize(1);
    assertThat(states.get(0).getMemberships()).extracting(CurrentMembership::getAudienceId)
        .containsExactly("payment-trouble", "support-case");
    assertThat(states.get(0).getSuppressions().get(0).getAudiences())
        .containsExactly("support-case", "payment-trouble");
    assertThat(states.get(0).getSuppressions().get(0).getUntil()).isNull();
  }

  /** Writes a customer's state as the previous release did: CustomerState in its v1 layout. */
  private static final class PreviousReleaseState
      extends KeyedProcessFunction<String, CustomerState, Void> {
    private final String schemaJson;

    PreviousReleaseState(Schema schema) {
      this.schemaJson = schema.toString();
    }

    @Override
    public void processElement(CustomerState value, Context ctx, Collector<Void> out)
        throws Exception {
      getRuntimeContext().getState(new ValueStateDescriptor<>(
          JobState.customerStateDescriptor().getName(), new PreviousReleaseAvroSerializer<>(
              CustomerState.class, new Schema.Parser().parse(schemaJson)))).update(value);
    }
  }

  @Test
  void shouldRestoreStatesOfThePreviousReleaseWithoutANextBestActionOnRocksDb()
      throws Exception {
    Schema v1 = new Schema.Parser().parse(Path.of("schemas/history/CustomerState/v1.avsc")
        .toFile());
    var previous = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PreviousReleaseState(v1)),
        (CustomerState c) -> c.getCustomerId(), Types.STRING);
    previous.setStateBackend(new EmbeddedRocksDBStateBackend());
    previous.open();
    previous.processElement(new StreamRecord<>(new CustomerState("alice", minutes(10),
        List.of(new CurrentMembership("high-value", minutes(10), null)), List.of(),
        List.of("c1"), null), minutes(10).toEpochMilli()));
    OperatorSubtaskState savepoint = previous.snapshot(1, 1);
    previous.close();

    harness.close();
    harness = harness(AUDIENCES);
    harness.initializeState(savepoint);
    harness.open();
    send(update("support-case", MembershipChange.ENTERED, 20, null, false));
    decide("offer", 20);
    harness.processWatermark(minutes(20).toEpochMilli());

    CustomerState state = emitted().get(0);
    assertThat(state.getMemberships()).extracting(CurrentMembership::getAudienceId)
        .containsExactly("high-value", "support-case");
    assertThat(state.getMemberships().get(0).getSince()).isEqualTo(minutes(10));
    assertThat(state.getNextBestAction().getActions())
        .containsExactly(new ChannelAction("EMAIL", "offer"));
  }
}
