package io.journeyorchestrator.audience;

import static io.journeyorchestrator.testing.Events.minutes;
import static io.journeyorchestrator.testing.Matches.byDeadline;
import static io.journeyorchestrator.testing.Matches.match;
import static io.journeyorchestrator.testing.Matches.spanning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.Membership;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.ErasureRequests;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.timeline.CustomerTimeline;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.apache.flink.util.StateMigrationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The audience operator applies matches in event-time order as the watermark passes them,
 * expires and cools down by timers, and leaves no state or timers behind.
 */
class AudienceMembershipFunctionTest {
  private static final Duration WEEK = Duration.ofDays(7);
  private static final Duration LONGEST_MATCH = Duration.ofHours(2);

  private KeyedOneInputStreamOperatorTestHarness<String, DetectedMatch, MembershipUpdate> harness;

  private static AudienceDefinition audience(String id, List<String> enter, List<String> exit,
      Duration expireAfter, Duration cooldown, String enterWhen) {
    return new AudienceDefinition(id, "", enter, enterWhen, exit, expireAfter, cooldown, "test");
  }

  private void start(AudienceDefinition... audiences) throws Exception {
    harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new AudienceMembershipFunction(new AudienceRules(List.of(audiences)), LONGEST_MATCH),
        m -> m.getMatch().getCustomerId(), Types.STRING);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private void send(DetectedMatch match) throws Exception {
    harness.processElement(new StreamRecord<>(match, match.getMatch().getEndTime().toEpochMilli()));
  }

  private void watermark(Instant time) throws Exception {
    harness.processWatermark(time.toEpochMilli());
  }

  private List<String> published() {
    return harness.extractOutputValues().stream()
        .map(MembershipUpdate::getChange)
        .map(c -> c.getAudienceId() + " " + OutputLines.kind(c) + " " + c.getReason() + " @"
            + Duration.between(minutes(0), c.getEventTime()).toMinutes()
            + (c.getExpiresAt() == null ? "" : " until @"
                + Duration.between(minutes(0), c.getExpiresAt()).toMinutes()))
        .toList();
  }

  @Test
  void shouldEnterOnlyOnceTheWatermarkPassesTheMatch() throws Exception {
    start(audience("trouble", List.of("p"), List.of(), null, null, null));

    send(match("p", "alice", minutes(10), "e1"));
    watermark(minutes(9));
    assertThat(published()).isEmpty();

    watermark(minutes(10));
    assertThat(published()).containsExactly("trouble ENTERED pattern:p @10");
    AudienceChange change = harness.extractOutputValues().get(0).getChange();
    assertThat(change.getEventIds()).containsExactly("e1");
    assertThat(change.getCustomerId()).isEqualTo("alice");
  }

  @Test
  void shouldPublishEveryExpiryChangeAndExpireByTimer() throws Exception {
    start(audience("trouble", List.of("p"), List.of(), WEEK, null, null));

    send(match("p", "alice", minutes(0), "e1"));
    send(match("p", "alice", minutes(60), "e2"));
    watermark(minutes(60));
    assertThat(published()).containsExactly("trouble ENTERED pattern:p @0 until @10080",
        "trouble EXTENDED pattern:p @60 until @10140");
    assertThat(harness.extractOutputValues()).extracting(MembershipUpdate::getRefresh)
        .containsExactly(false, true);

    watermark(minutes(0).plus(WEEK));
    assertThat(published()).hasSize(2);

    watermark(minutes(60).plus(WEEK));
    assertThat(published()).endsWith("trouble EXTENDED pattern:p @60 until @10140",
        "trouble EXITED expired @10140");
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldApplyDeadlineMatchesBeforeTheEventsOfTheirInstant() throws Exception {
    start(audience("activation-help", List.of("not-activated"), List.of("activated"), null,
        null, null));

    // Activation exactly at the deadline: outside the absence window, so the absence matched;
    // the activation that comes at that instant then exits.
    send(match("activated", "alice", minutes(60), "e2"));
    send(byDeadline("not-activated", "alice", minutes(0), minutes(60), "e1"));
    watermark(minutes(60));

    assertThat(published()).containsExactly("activation-help ENTERED pattern:not-activated @60",
        "activation-help EXITED pattern:activated @60");
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void shouldApplyTheMatchesOfEachEventInTheTimelinesOrderAtOneInstant() throws Exception {
    start(audience("upload-help", List.of("no-success-then-call"), List.of("succeeded"), null,
        null, null));

    // The call (e-a) came before the success (e-b) in the timeline, so the pattern matched on
    // the call; the success then exits, whatever order the matches arrive in.
    send(match("succeeded", "alice", minutes(5), "e-b"));
    send(spanning("no-success-then-call", "alice", minutes(0), minutes(5), "e0", "e-a"));
    send(match("succeeded", "bob", minutes(5), "e-a"));
    send(spanning("no-success-then-call", "bob", minutes(0), minutes(5), "e0", "e-b"));
    watermark(minutes(5));

    assertThat(harness.extractOutputValues()).extracting(u -> u.getChange().getCustomerId()
            + " " + u.getChange().getChange())
        .containsExactly("alice ENTERED", "alice EXITED", "bob ENTERED");
  }

  @Test
  void shouldExitOnAnExitingMatchAndIgnoreExitsOfNonMembers() throws Exception {
    start(audience("trouble", List.of("failed"), List.of("paid"), null, null, null));

    send(match("paid", "alice", minutes(1), "e0"));
    send(match("failed", "alice", minutes(2), "e1"));
    send(match("paid", "alice", minutes(3), "e2"));
    watermark(minutes(3));

    assertThat(published()).containsExactly("trouble ENTERED pattern:failed @2",
        "trouble EXITED pattern:paid @3");
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void shouldApplyMatchesFromTwoPatternsInEventTimeOrderWhateverTheArrivalOrder() throws Exception {
    start(audience("trouble", List.of("failed"), List.of("paid"), null, null, null));

    send(match("paid", "alice", minutes(5), "e2"));
    send(match("failed", "alice", minutes(2), "e1"));
    watermark(minutes(5));

    assertThat(published()).containsExactly("trouble ENTERED pattern:failed @2",
        "trouble EXITED pattern:paid @5");
  }

  @Test
  void shouldApplyExitsBeforeEntriesOfTheSameEvent() throws Exception {
    start(audience("trouble", List.of("failed"), List.of("paid"), null, null, null));

    send(match("failed", "alice", minutes(1), "e1"));
    watermark(minutes(1));
    // One event completes both matches; arrival order puts the entry first.
    send(match("failed", "alice", minutes(2), "e2"));
    send(match("paid", "alice", minutes(2), "e2"));
    watermark(minutes(2));

    assertThat(published()).containsExactly("trouble ENTERED pattern:failed @1",
        "trouble EXITED pattern:paid @2", "trouble ENTERED pattern:failed @2");
  }

  @Test
  void shouldIgnoreEntriesDuringCooldownAndClearItAfterwards() throws Exception {
    start(audience("trouble", List.of("failed"), List.of("paid"), null, Duration.ofHours(1),
        null));

    send(match("failed", "alice", minutes(0), "e1"));
    send(match("paid", "alice", minutes(10), "e2"));
    send(match("failed", "alice", minutes(30), "e3"));
    send(match("failed", "alice", minutes(70), "e4"));
    watermark(minutes(70));

    assertThat(published()).containsExactly("trouble ENTERED pattern:failed @0",
        "trouble EXITED pattern:paid @10", "trouble ENTERED pattern:failed @70");
    send(match("paid", "alice", minutes(80), "e5"));
    watermark(minutes(200));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldEnterOnlyWhenEnterWhenHoldsForTheProfile() throws Exception {
    start(audience("gold-trouble", List.of("failed"), List.of(), null, null,
        "profile.tier == \"gold\""));

    send(match("failed", "alice", minutes(1), Map.of("tier", "silver"), "e1"));
    send(match("failed", "bob", minutes(1), Map.of("tier", "gold"), "e2"));
    send(match("failed", "carol", minutes(1), Map.of(), "e3"));
    watermark(minutes(1));

    assertThat(harness.extractOutputValues()).extracting(u -> u.getChange().getCustomerId())
        .containsExactly("bob");
  }

  private static DetectedMatch erasure(String customerId, Instant time, String eventId) {
    return ErasureRequests.of(InteractionEvent.newBuilder().setEventId(eventId)
        .setCustomerId(customerId).setTimestamp(time)
        .setType(CustomerTimeline.ERASURE_TYPE).setChannel(Channel.OTHER)
        .setAttributes(Map.of()).build());
  }

  @Test
  void shouldExitEveryMembershipOnErasureAndIgnoreMatchesBuiltFromErasedEvents()
      throws Exception {
    start(audience("trouble", List.of("failed"), List.of("paid"), null, Duration.ofDays(30),
            null),
        audience("care", List.of("failed"), List.of(), WEEK, null, null),
        audience("shoppers", List.of("browsed"), List.of(), null, null, null));

    send(match("failed", "alice", minutes(0), "e1"));
    send(match("paid", "alice", minutes(5), "e2"));
    send(match("failed", "alice", minutes(6), "e3"));
    send(erasure("alice", minutes(10), "erase-1"));
    // Completes after the erasure but starts before it: built from erased events.
    send(spanning("browsed", "alice", minutes(8), minutes(20), "e4", "e5"));
    // Entirely after the erasure; the forgotten cooldown does not hold it back.
    send(spanning("failed", "alice", minutes(30), minutes(30), "e6"));
    watermark(minutes(30));

    assertThat(published()).containsExactly(
        "trouble ENTERED pattern:failed @0", "care ENTERED pattern:failed @0 until @10080",
        "trouble EXITED pattern:paid @5",
        "care EXTENDED pattern:failed @6 until @10086",
        "care EXITED erased @10",
        "trouble ENTERED pattern:failed @30", "care ENTERED pattern:failed @30 until @10110");
    assertThat(harness.extractOutputValues()).filteredOn(u -> u.getChange().getReason()
            .equals("erased"))
        .extracting(u -> u.getChange().getEventIds()).containsExactly(List.of("erase-1"));
    assertThat(harness.getSideOutput(JobState.PUBLISHED_MATCHES))
        .extracting(record -> record.getValue().getMatchId())
        .as("published matches: not the one built from erased events, nor the request")
        .containsExactly("failed/e1", "paid/e2", "failed/e3", "failed/e6");

    // Once no match can reach back to the erasure, it is forgotten.
    send(match("paid", "alice", minutes(40), "e7"));
    watermark(minutes(30).plus(WEEK));
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // trouble's cooldown, 30 days
    watermark(minutes(40).plus(Duration.ofDays(30)));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldApplyAnErasureAtItsPlaceAmongTheEventsOfItsInstant() throws Exception {
    start(audience("trouble", List.of("failed"), List.of(), null, null, null));

    send(spanning("failed", "alice", minutes(10), minutes(10), "e-z"));
    send(erasure("alice", minutes(10), "e-m"));
    send(spanning("failed", "alice", minutes(10), minutes(10), "e-a"));
    watermark(minutes(10));

    // e-a came before the request: it entered, and the request exits it. e-z came after the
    // request: a new journey, so it enters again.
    assertThat(published()).containsExactly("trouble ENTERED pattern:failed @10",
        "trouble EXITED erased @10", "trouble ENTERED pattern:failed @10");
    assertThat(harness.getSideOutput(JobState.PUBLISHED_MATCHES))
        .extracting(record -> record.getValue().getMatchId())
        .containsExactly("failed/e-a", "failed/e-z");
  }

  @Test
  void shouldKeepChangeIdsStableForTheSameInput() throws Exception {
    start(audience("trouble", List.of("p"), List.of(), WEEK, null, null));
    send(match("p", "alice", minutes(0), "e1"));
    watermark(minutes(0).plus(WEEK));
    List<String> first = harness.extractOutputValues().stream()
        .map(u -> u.getChange().getChangeId()).toList();
    close();

    start(audience("trouble", List.of("p"), List.of(), WEEK, null, null));
    send(match("p", "alice", minutes(0), "e1"));
    watermark(minutes(0).plus(WEEK));
    assertThat(harness.extractOutputValues()).extracting(u -> u.getChange().getChangeId())
        .hasSize(2).doesNotHaveDuplicates().isEqualTo(first);
  }

  /** A snapshot holding alice's membership of "trouble" (a week's expiry); closes the harness. */
  private OperatorSubtaskState snapshotOfOneMembership() throws Exception {
    start(audience("trouble", List.of("p"), List.of(), WEEK, null, null));
    send(match("p", "alice", minutes(0), "e1"));
    watermark(minutes(1));
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    close();
    return snapshot;
  }

  @Test
  void shouldRestoreMembershipsFromASnapshot() throws Exception {
    OperatorSubtaskState snapshot = snapshotOfOneMembership();

    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new EarlierStateOperator<>(new AudienceMembershipFunction(new AudienceRules(List.of(
            audience("trouble", List.of("p"), List.of(), WEEK, null, null))), LONGEST_MATCH)),
        m -> m.getMatch().getCustomerId(), Types.STRING);
    harness.initializeState(snapshot);
    harness.open();
    watermark(minutes(0).plus(WEEK));

    assertThat(published()).containsExactly("trouble EXITED expired @10080");
  }

  private void restore(OperatorSubtaskState snapshot, AudienceDefinition... audiences)
      throws Exception {
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new EarlierStateOperator<>(new AudienceMembershipFunction(
            new AudienceRules(List.of(audiences)), LONGEST_MATCH)),
        m -> m.getMatch().getCustomerId(), Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (snapshot != null) {
      harness.initializeState(snapshot);
    }
    harness.open();
  }

  @Test
  void shouldDropTheStateOfARemovedAudienceWhenTheCustomerIsNextSeenOnRocksDb() throws Exception {
    AudienceDefinition trouble = audience("trouble", List.of("p"), List.of(), WEEK, null, null);
    AudienceDefinition vip = audience("vip", List.of("q"), List.of(), null, null, null);
    restore(null, trouble, vip);
    send(match("p", "alice", minutes(0), "e1"));
    send(match("q", "alice", minutes(0), "e2"));
    watermark(minutes(1));
    OperatorSubtaskState both = harness.snapshot(1, 1);
    close();

    restore(both, trouble);
    send(match("p", "alice", minutes(5), "e3"));
    watermark(minutes(6));
    OperatorSubtaskState withoutVip = harness.snapshot(2, 2);
    close();

    restore(withoutVip, trouble, vip);
    send(match("q", "alice", minutes(10), "e4"));
    watermark(minutes(0).plus(WEEK).plus(Duration.ofMinutes(5)));

    assertThat(published()).as("vip's membership was dropped while vip was not in the job, so"
        + " alice enters it anew; trouble kept its membership and expires").containsExactly(
        "vip ENTERED pattern:q @10", "trouble EXITED expired @10085");
  }

  @Test
  void shouldEnterFromAMatchThatWaitedForTheWatermarkAcrossACheckpointOnRocksDb()
      throws Exception {
    AudienceDefinition trouble = audience("trouble", List.of("p"), List.of(), WEEK, null, null);
    restore(null, trouble);
    send(match("p", "alice", minutes(5), "e1"));
    watermark(minutes(1));
    // As a checkpoint takes it: the match waits on the heap until the barrier's preparation.
    harness.prepareSnapshotPreBarrier(1);
    OperatorSubtaskState waiting = harness.snapshot(1, 1);
    close();

    restore(waiting, trouble);
    send(match("p", "alice", minutes(6), "e2"));
    watermark(minutes(6));

    assertThat(published()).as("the match from before the checkpoint enters, the one after it"
        + " extends").containsExactly(
        "trouble ENTERED pattern:p @5 until @10085", "trouble EXTENDED pattern:p @6 until @10086");
  }

  /** Writes memberships and cooldowns as releases before the audiences value did. */
  private static final class PreviousReleaseMemberships
      extends KeyedProcessFunction<String, DetectedMatch, MembershipUpdate> {
    @Override
    public void processElement(DetectedMatch match, Context ctx, Collector<MembershipUpdate> out)
        throws Exception {
      getRuntimeContext().getMapState(JobState.membershipsDescriptor()).put("trouble",
          new Membership(minutes(0).toEpochMilli(), minutes(0).plus(WEEK).toEpochMilli()));
      getRuntimeContext().getMapState(JobState.cooldownsDescriptor()).put("calm",
          minutes(30).toEpochMilli());
      ctx.timerService().registerEventTimeTimer(minutes(0).plus(WEEK).toEpochMilli());
      ctx.timerService().registerEventTimeTimer(minutes(30).toEpochMilli());
    }
  }

  @Test
  void shouldMoveMembershipsAndCooldownsOfTheEarlierLayoutIntoOneValueOnRocksDb()
      throws Exception {
    var previous = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PreviousReleaseMemberships()),
        (DetectedMatch m) -> m.getMatch().getCustomerId(), Types.STRING);
    previous.setStateBackend(new EmbeddedRocksDBStateBackend());
    previous.open();
    previous.processElement(new StreamRecord<>(match("p", "alice", minutes(0), "e1"), 0));
    OperatorSubtaskState savepoint = previous.snapshot(1, 1);
    previous.close();

    AudienceDefinition trouble = audience("trouble", List.of("p"), List.of(), WEEK, null, null);
    AudienceDefinition calm = audience("calm", List.of("q"), List.of(), null, WEEK, null);
    restore(savepoint, trouble, calm);
    send(match("q", "alice", minutes(10), "e2"));
    send(match("p", "alice", minutes(20), "e3"));
    send(match("q", "alice", minutes(40), "e4"));
    watermark(minutes(0).plus(WEEK).plus(Duration.ofMinutes(30)));

    assertThat(published()).as("calm's cooldown until @30 and trouble's membership carried over")
        .containsExactly("trouble EXTENDED pattern:p @20 until @10100",
            "calm ENTERED pattern:q @40",
            "trouble EXITED expired @10100");
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  /** A later version that keeps the state name but changes its type. */
  private static final class IncompatibleMemberships
      extends KeyedProcessFunction<String, DetectedMatch, MembershipUpdate> {
    @Override
    public void open(OpenContext openContext) throws Exception {
      getRuntimeContext().getState(new ValueStateDescriptor<>("audiences", Types.LONG));
    }

    @Override
    public void processElement(DetectedMatch value, Context ctx, Collector<MembershipUpdate> out) {
    }
  }

  @Test
  void shouldFailLoudlyWhenAChangedStateTypeCannotReadTheSnapshot() throws Exception {
    OperatorSubtaskState snapshot = snapshotOfOneMembership();

    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new IncompatibleMemberships()),
        m -> m.getMatch().getCustomerId(), Types.STRING);
    harness.initializeState(snapshot);
    assertThatThrownBy(harness::open)
        .hasRootCauseInstanceOf(StateMigrationException.class)
        .rootCause().hasMessageContaining("must not be incompatible with the old state serializer");
    harness = null;
  }
}
