package io.journeyorchestrator.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.ActiveSuppression;
import io.journeyorchestrator.avro.BlockedAction;
import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.ChannelDecision;
import io.journeyorchestrator.avro.CurrentMembership;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.avro.PatternMatch;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readable lines of tail-topic --readable and replay --readable: ISO times, short ids. */
class ReadableRecordsTest {
  private static final Instant BEGINNING = Instant.parse("2026-03-02T08:12:10Z");
  private static final Instant ONE_HOUR_LATER = BEGINNING.plusSeconds(3600);
  private static final String UUID = "2cee2b17-d734-3dad-b6ae-7594868eb1a7";

  @Test
  void shouldShowAMatchWithItsShortenedEventIds() {
    PatternMatch match = PatternMatch.newBuilder().setMatchId(UUID).setCustomerId("c-000084")
        .setPatternId("repeated-calls").setEventIds(List.of(UUID, "e-7-295"))
        .setStartTime(BEGINNING).setEndTime(ONE_HOUR_LATER).build();

    assertThat(ReadableRecords.format(match)).isEqualTo("2026-03-02T09:12:10Z  c-000084  MATCH"
        + "     repeated-calls             2 events from 2026-03-02T08:12:10Z (2cee2b17,e-7-295)");
  }

  @Test
  void shouldShowALateEventWithHowFarBehindItWasAndWhereItWasRead() {
    LateEvent late = LateEvent.newBuilder().setEvent(event()).setReason("behind-newest-event")
        .setWatermark(ONE_HOUR_LATER).setBehindMillis(90_000).build();

    assertThat(ReadableRecords.format(late)).isEqualTo("2026-03-02T08:12:10Z  c-000084  LATE"
        + "      call.inbound on CALL_CENTER (2cee2b17), behind-newest-event by PT1M30S");
    late.setSource("recorded.jsonl:42");
    assertThat(ReadableRecords.format(late)).endsWith("by PT1M30S (recorded.jsonl:42)");
  }

  @Test
  void shouldShowWhatACustomerHoldsOrThatTheyHoldNothing() {
    CustomerState state = CustomerState.newBuilder().setCustomerId("c-000084")
        .setAsOf(ONE_HOUR_LATER)
        .setMemberships(List.of(new CurrentMembership("payment-trouble", BEGINNING, null)))
        .setSuppressions(List.of(ActiveSuppression.newBuilder().setPolicyId("no-marketing")
            .setChannels(List.of()).setCategories(List.of("marketing"))
            .setAudiences(List.of("payment-trouble")).setUntil(ONE_HOUR_LATER).build()))
        .setChangeIds(List.of()).build();

    assertThat(ReadableRecords.format(state)).isEqualTo("2026-03-02T09:12:10Z  c-000084  STATE"
        + "     payment-trouble since 2026-03-02T08:12:10Z; suppressed by no-marketing until"
        + " 2026-03-02T09:12:10Z");
    state.setMemberships(List.of());
    state.setSuppressions(List.of());
    assertThat(ReadableRecords.format(state))
        .isEqualTo("2026-03-02T09:12:10Z  c-000084  NOTHING   holds nothing");
  }

  @Test
  void shouldShowADecisionsActionsAndHoldBacksAndLeaveOutEmptyChannels() {
    NextBestAction decision = NextBestAction.newBuilder().setDecisionId(UUID)
        .setCustomerId("c-000084").setEventTime(BEGINNING)
        .setChannels(List.of(
            new ChannelDecision("EMAIL", null, List.of(new BlockedAction("trade-in-email",
                "capped:category:marketing", ONE_HOUR_LATER))),
            new ChannelDecision("PUSH", null, List.of()),
            new ChannelDecision("SMS", "activation-help-sms", List.of())))
        .setSendAfter(ONE_HOUR_LATER).build();

    assertThat(ReadableRecords.format(decision)).isEqualTo("2026-03-02T08:12:10Z  c-000084"
        + "  DECIDE    EMAIL: nothing (blocked: trade-in-email capped:category:marketing until"
        + " 2026-03-02T09:12:10Z); SMS: activation-help-sms  (quiet hours: send after"
        + " 2026-03-02T09:12:10Z)");
    decision.setSendAfter(BEGINNING);
    decision.setChannels(List.of(new ChannelDecision("PUSH", null, List.of())));
    assertThat(ReadableRecords.format(decision))
        .isEqualTo("2026-03-02T08:12:10Z  c-000084  DECIDE    nothing on any channel");
  }

  private static InteractionEvent event() {
    return InteractionEvent.newBuilder().setEventId(UUID).setCustomerId("c-000084")
        .setTimestamp(BEGINNING).setType("call.inbound").setChannel(Channel.CALL_CENTER).build();
  }
}
