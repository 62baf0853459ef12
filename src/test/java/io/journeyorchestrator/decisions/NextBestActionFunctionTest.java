package io.journeyorchestrator.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.ChannelDecision;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.MembershipChange;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.config.ActionDefinition;
import io.journeyorchestrator.config.ActionDefinition.Cap;
import io.journeyorchestrator.config.DecisionSettings;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.decisions.Decision.Blocked;
import io.journeyorchestrator.decisions.Decision.ChannelChoice;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.ProfileUpdates;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decisions operator on RocksDB: decides at the watermark, emits only changed answers, blocks
 * on a category cap and frees exactly at the window edge by a timer, blocks while a suppression
 * holds, and leaves no state or timers once the customer leaves.
 */
class NextBestActionFunctionTest {
  private static final Instant BEGINNING = Instant.parse("2026-03-01T10:00:00Z");
  private static final ActionDefinition TRADE_IN_EMAIL = new ActionDefinition(
      "trade-in-offer-email", "", "EMAIL", "marketing", List.of("trade-in-offer"), null, 80.0,
      null, List.of(), null, "actions/a.yaml");
  private static final SuppressionDefinition NO_MARKETING = new SuppressionDefinition(
      "no-marketing-during-support", List.of("open-support-case"), List.of(),
      List.of("marketing"), "suppressions/s.yaml");
  private static final DecisionSettings ONE_MARKETING_PER_HOUR = new DecisionSettings(
      "message.sent", Map.of(), Map.of("marketing", new Cap(1, Duration.ofHours(1))), null, 0,
      "");

  private KeyedTwoInputStreamOperatorTestHarness<String, MembershipUpdate, InteractionEvent,
      NextBestAction> harness;

  @BeforeEach
  void start() throws Exception {
    harness = new KeyedTwoInputStreamOperatorTestHarness<>(
        new KeyedCoProcessOperator<>(new NextBestActionFunction(List.of(TRADE_IN_EMAIL),
            ONE_MARKETING_PER_HOUR, List.of(NO_MARKETING))),
        (MembershipUpdate u) -> u.getChange().getCustomerId(),
        (InteractionEvent e) -> e.getCustomerId(), Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static Instant minutes(long m) {
    return BEGINNING.plus(Duration.ofMinutes(m));
  }

  private void membership(String audience, MembershipChange change, long minute)
      throws Exception {
    AudienceChange c = AudienceChange.newBuilder()
        .setChangeId(audience + "-" + change + "-" + minute)
        .setCustomerId("alice")
        .setAudienceId(audience)
        .setChange(change)
        .setReason("pattern:p")
        .setEventTime(minutes(minute))
        .setEventIds(List.of())
        .build();
    harness.processElement1(new StreamRecord<>(new MembershipUpdate(c, false),
        minutes(minute).toEpochMilli()));
  }

  private void event(String type, long minute, Map<String, Object> attributes) throws Exception {
    InteractionEvent e = InteractionEvent.newBuilder()
        .setEventId(type + "-" + minute)
        .setCustomerId("alice")
        .setTimestamp(minutes(minute))
        .setType(type)
        .setChannel(Channel.EMAIL)
        .setAttributes(new HashMap<>(attributes))
        .build();
    harness.processElement2(new StreamRecord<>(e, minutes(minute).toEpochMilli()));
  }

  private void watermark(long minute) throws Exception {
    harness.processBothWatermarks(
        new org.apache.flink.streaming.api.watermark.Watermark(minutes(minute).toEpochMilli()));
  }

  private List<NextBestAction> emitted() {
    List<NextBestAction> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  private long customersWithState() throws Exception {
    KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
    long count = 0;
    for (String name : List.of(JobState.decisionStateDescriptor().getName(),
        JobState.pendingDecisionUpdatesDescriptor().getName(),
        JobState.pendingDecisionEventsDescriptor().getName())) {
      try (Stream<String> keys = backend.getKeys(name, VoidNamespace.INSTANCE)) {
        count += keys.count();
      }
    }
    return count;
  }

  private static ChannelChoice email(NextBestAction decided) {
    ChannelDecision email = decided.getChannels().stream()
        .filter(c -> c.getChannel().equals("EMAIL")).findFirst().orElseThrow();
    return new ChannelChoice(email.getActionId(), email.getBlocked().stream()
        .map(b -> new Blocked(b.getActionId(), b.getReason(), b.getFreesAt())).toList());
  }

  @Test
  void shouldDecideAtTheWatermarkAndEmitOnlyWhenTheAnswerChanges() throws Exception {
    membership("trade-in-offer", MembershipChange.ENTERED, 10);
    assertThat(emitted()).as("nothing before the watermark").isEmpty();
    watermark(10);
    List<NextBestAction> first = emitted();
    assertThat(first).hasSize(1);
    assertThat(email(first.get(0))).isEqualTo(new ChannelChoice("trade-in-offer-email",
        List.of()));
    assertThat(first.get(0).getEventTime()).isEqualTo(minutes(10));

    event("profile.updated", 15, Map.of("tier", "gold"));
    membership("unrelated", MembershipChange.ENTERED, 16);
    watermark(16);
    assertThat(emitted()).as("the same answer is not emitted again").isEmpty();
  }

  /** Reopens the harness on a job with quiet hours, so that profiles matter and are kept. */
  private void openWithQuietHours() throws Exception {
    harness.close();
    harness = new KeyedTwoInputStreamOperatorTestHarness<>(
        new KeyedCoProcessOperator<>(new NextBestActionFunction(List.of(TRADE_IN_EMAIL),
            new DecisionSettings("message.sent", Map.of(), Map.of(),
                new DecisionSettings.QuietHours(java.time.LocalTime.of(21, 0),
                    java.time.LocalTime.of(8, 0), java.time.ZoneId.of("Europe/Berlin")), 0, ""),
            List.of())),
        (MembershipUpdate u) -> u.getChange().getCustomerId(),
        (InteractionEvent e) -> e.getCustomerId(), Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    harness.open();
  }

  @Test
  void shouldSayWhenQuietHoursEndInTheCustomersZone() throws Exception {
    openWithQuietHours();
    // BEGINNING is 10:00 UTC; minute 660 is 21:00 UTC, 16:00 in New York: not quiet there.
    event("profile.updated", 600, Map.of("timezone", "America/New_York"));
    membership("trade-in-offer", MembershipChange.ENTERED, 660);
    watermark(660);
    assertThat(emitted()).extracting(NextBestAction::getSendAfter).containsExactly(minutes(660));
    // Minute 1,020 is 03:00 UTC, 22:00 in New York: quiet until 08:00 EST, 13:00 UTC.
    membership("trade-in-offer", MembershipChange.EXITED, 1_000);
    membership("trade-in-offer", MembershipChange.ENTERED, 1_020);
    watermark(1_020);
    assertThat(emitted()).extracting(NextBestAction::getSendAfter)
        .containsExactly(null, Instant.parse("2026-03-02T13:00:00Z"));
  }

  @Test
  void shouldForgetAProfileKeptAloneOnceTheRetentionHasPassedSinceTheLastChange()
      throws Exception {
    openWithQuietHours();
    long retention = ProfileUpdates.RETENTION.toMinutes();
    event("profile.updated", 10, Map.of("timezone", "America/New_York"));
    watermark(10);
    assertThat(customersWithState()).as("the profile, for quiet hours later").isEqualTo(1);
    membership("trade-in-offer", MembershipChange.ENTERED, 20);
    membership("trade-in-offer", MembershipChange.EXITED, 30);
    watermark(10 + retention);
    assertThat(customersWithState()).as("kept: the exit at minute 30 was a change").isEqualTo(1);

    watermark(30 + retention);
    assertThat(customersWithState()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldBlockOnTheCategoryCapAndFreeExactlyAtTheWindowEdge() throws Exception {
    membership("trade-in-offer", MembershipChange.ENTERED, 10);
    event("message.sent", 20, Map.of("actionId", "trade-in-offer-email", "channel", "EMAIL",
        "category", "marketing"));
    watermark(20);
    List<NextBestAction> capped = emitted();
    assertThat(capped).extracting(NextBestActionFunctionTest::email).containsExactly(
        new ChannelChoice("trade-in-offer-email", List.of()),
        new ChannelChoice(null, List.of(new Blocked("trade-in-offer-email",
            "capped:category:marketing", minutes(80)))));

    harness.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(
        minutes(80).toEpochMilli() - 1));
    assertThat(emitted()).as("still capped a millisecond before the edge").isEmpty();
    watermark(80);
    List<NextBestAction> freed = emitted();
    assertThat(freed).extracting(NextBestActionFunctionTest::email)
        .containsExactly(new ChannelChoice("trade-in-offer-email", List.of()));
    assertThat(freed.get(0).getEventTime()).isEqualTo(minutes(80));
  }

  @Test
  void shouldCountASendThatNamesOnlyItsActionUnderTheActionsCategory() throws Exception {
    membership("trade-in-offer", MembershipChange.ENTERED, 10);
    event("message.sent", 20, Map.of("actionId", "trade-in-offer-email"));
    watermark(20);
    assertThat(emitted()).extracting(NextBestActionFunctionTest::email).containsExactly(
        new ChannelChoice("trade-in-offer-email", List.of()),
        new ChannelChoice(null, List.of(new Blocked("trade-in-offer-email",
            "capped:category:marketing", minutes(80)))));
  }

  @Test
  void shouldBlockWhileASuppressionHoldsAndLeaveNothingBehindOnExit() throws Exception {
    membership("trade-in-offer", MembershipChange.ENTERED, 10);
    membership("open-support-case", MembershipChange.ENTERED, 12);
    event("message.sent", 11, Map.of("actionId", "x", "channel", "SMS", "category", "care"));
    watermark(12);
    List<NextBestAction> out = emitted();
    assertThat(out).extracting(NextBestActionFunctionTest::email).containsExactly(
        new ChannelChoice("trade-in-offer-email", List.of()),
        new ChannelChoice(null, List.of(new Blocked("trade-in-offer-email",
            "suppressed:no-marketing-during-support", null))));

    membership("open-support-case", MembershipChange.EXITED, 30);
    membership("trade-in-offer", MembershipChange.EXITED, 30);
    watermark(30);
    assertThat(emitted()).extracting(NextBestActionFunctionTest::email)
        .containsExactly(new ChannelChoice(null, List.of()));

    watermark(200);
    assertThat(customersWithState()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
