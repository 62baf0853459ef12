package io.journeyorchestrator.audience;

import static io.journeyorchestrator.testing.Events.minutes;
import static io.journeyorchestrator.testing.Matches.match;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.AudienceDefinition.Composition;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.internal.avro.AudienceState;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Audiences composed of other audiences ({@code while}), rolling ones ({@code memberFor}) and
 * enterWhen over {@code audiences}, on RocksDB: they follow their parts at the parts' own
 * instants, say when they end, and leave no state or timers behind.
 */
class ComposedAudiencesTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration LONGEST_MATCH = Duration.ofHours(2);

  private KeyedOneInputStreamOperatorTestHarness<String, DetectedMatch, MembershipUpdate> harness;

  private static AudienceDefinition rolling(String id, String pattern, Duration memberFor) {
    return new AudienceDefinition(id, "", List.of(pattern), null, List.of(), null, null,
        AudienceDefinition.Outcomes.NONE, null, memberFor, "test");
  }

  private static AudienceDefinition entered(String id, String enter, String exit) {
    return new AudienceDefinition(id, "", List.of(enter), null,
        exit == null ? List.of() : List.of(exit), null, null, "test");
  }

  private static AudienceDefinition composed(String id, List<String> all, List<String> any,
      List<String> none, Duration memberFor) {
    return AudienceDefinition.composed(id, "", new Composition(all, any, none), memberFor,
        "test");
  }

  private void start(AudienceDefinition... audiences) throws Exception {
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new EarlierStateOperator<>(new AudienceMembershipFunction(
            new AudienceRules(List.of(audiences)), LONGEST_MATCH)),
        m -> m.getMatch().getCustomerId(), Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
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

  /** The customer's memberships and cooldowns as RocksDB holds them; null when none. */
  private AudienceState stored(String customer) throws Exception {
    KeyedStateBackend<String> backend =
        ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    backend.setCurrentKey(customer);
    return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
        JobState.audienceStateDescriptor()).value();
  }

  private List<String> published() {
    return published(null);
  }

  /** The changes published, of one customer when given, as readable lines. */
  private List<String> published(String customer) {
    return harness.extractOutputValues().stream()
        .map(MembershipUpdate::getChange)
        .filter(c -> customer == null || c.getCustomerId().equals(customer))
        .map(c -> c.getAudienceId() + " " + OutputLines.kind(c) + " " + c.getReason() + " @"
            + Duration.between(minutes(0), c.getEventTime()).toMinutes()
            + (c.getExpiresAt() == null ? "" : " until @"
                + Duration.between(minutes(0), c.getExpiresAt()).toMinutes()))
        .toList();
  }

  @Test
  void shouldEnterARollingAudienceOfTwoRollingAudiencesAndEndWithTheFirstPartToEnd()
      throws Exception {
    start(composed("web-and-ivr", List.of("recent-web", "recent-ivr"), List.of(), List.of(),
            null),
        rolling("recent-web", "web-visit", HOUR), rolling("recent-ivr", "ivr-call", HOUR));

    send(match("web-visit", "alice", minutes(0), "e1"));
    send(match("ivr-call", "alice", minutes(20), "e2"));
    send(match("web-visit", "alice", minutes(30), "e3"));
    watermark(minutes(30));
    assertThat(published()).containsExactly(
        "recent-web ENTERED pattern:web-visit @0 until @60",
        "recent-ivr ENTERED pattern:ivr-call @20 until @80",
        "web-and-ivr ENTERED while @20 until @60",
        "recent-web EXTENDED pattern:web-visit @30 until @90",
        "web-and-ivr EXTENDED while @30 until @80");
    assertThat(harness.extractOutputValues().get(2).getChange().getEventIds())
        .containsExactly("e2");

    watermark(minutes(80));
    assertThat(published()).endsWith("recent-ivr EXITED expired @80",
        "web-and-ivr EXITED expired @80");
    watermark(minutes(90));
    assertThat(published()).endsWith("recent-web EXITED expired @90");
    assertThat(stored("alice")).isNull();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldKeepAMemberForMemberForAfterTheCompositionLastHeld() throws Exception {
    start(rolling("recent-web", "web-visit", HOUR), rolling("recent-ivr", "ivr-call", HOUR),
        composed("tried-web-and-ivr", List.of("recent-web", "recent-ivr"), List.of(), List.of(),
            Duration.ofHours(2)));

    send(match("web-visit", "alice", minutes(0), "e1"));
    send(match("ivr-call", "alice", minutes(10), "e2"));
    watermark(minutes(60));
    // It holds until recent-web ends at 60, and then for two hours more.
    assertThat(published()).containsExactly(
        "recent-web ENTERED pattern:web-visit @0 until @60",
        "recent-ivr ENTERED pattern:ivr-call @10 until @70",
        "tried-web-and-ivr ENTERED while @10 until @180",
        "recent-web EXITED expired @60");

    watermark(minutes(179));
    assertThat(published()).hasSize(5).endsWith("recent-ivr EXITED expired @70");
    watermark(minutes(180));
    assertThat(published()).endsWith("tried-web-and-ivr EXITED expired @180");
    assertThat(stored("alice")).isNull();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldFollowItsPartsWhenTheyChangeAtTheSameInstant() throws Exception {
    start(entered("case-open", "case-opened", "case-closed"),
        entered("app-user", "app-opened", null),
        composed("app-user-without-case", List.of("app-user"), List.of(), List.of("case-open"),
            null));

    send(match("app-opened", "alice", minutes(0), "e1"));
    send(match("case-opened", "alice", minutes(5), "e2"));
    // One event closes the case and opens the app: exits first, then entries, then the
    // composition, so the customer is in it again at that instant, once.
    send(match("case-closed", "alice", minutes(9), "e3"));
    send(match("app-opened", "alice", minutes(9), "e3"));
    watermark(minutes(9));

    assertThat(published()).containsExactly(
        "app-user ENTERED pattern:app-opened @0",
        "app-user-without-case ENTERED while @0",
        "case-open ENTERED pattern:case-opened @5",
        "app-user-without-case EXITED while @5",
        "case-open EXITED pattern:case-closed @9",
        "app-user-without-case ENTERED while @9");
  }

  @Test
  void shouldHoldWhileInAnyOfItsParts() throws Exception {
    start(rolling("recent-web", "web-visit", HOUR), rolling("recent-app", "app-opened", HOUR),
        composed("recent-digital", List.of(), List.of("recent-web", "recent-app"), List.of(),
            null));

    send(match("web-visit", "alice", minutes(0), "e1"));
    send(match("app-opened", "alice", minutes(30), "e2"));
    watermark(minutes(60));
    assertThat(published()).containsExactly(
        "recent-web ENTERED pattern:web-visit @0 until @60",
        "recent-digital ENTERED while @0 until @60",
        "recent-app ENTERED pattern:app-opened @30 until @90",
        "recent-digital EXTENDED while @30 until @90",
        "recent-web EXITED expired @60");
    watermark(minutes(90));
    assertThat(published()).endsWith("recent-app EXITED expired @90",
        "recent-digital EXITED expired @90");
  }

  @Test
  void shouldLetEnterWhenSeeTheMembershipsAfterTheOtherEntriesOfItsEvent() throws Exception {
    AudienceDefinition priority = new AudienceDefinition("priority-caller", "",
        List.of("ivr-call"), "profile.tier == \"gold\" && \"recent-web\" in audiences",
        List.of(), null, null, "test");
    start(priority, rolling("recent-web", "web-visit", HOUR),
        rolling("recent-ivr", "ivr-call", HOUR));

    send(match("ivr-call", "alice", minutes(0), Map.of("tier", "gold"), "e1"));
    send(match("web-visit", "alice", minutes(10), "e2"));
    send(match("ivr-call", "alice", minutes(20), Map.of("tier", "gold"), "e3"));
    // One event enters recent-web and completes the call: enterWhen sees recent-web already.
    send(match("ivr-call", "bob", minutes(20), Map.of("tier", "gold"), "b1"));
    send(match("web-visit", "bob", minutes(20), "b1"));
    send(match("ivr-call", "carol", minutes(20), Map.of("tier", "silver"), "c1"));
    send(match("web-visit", "carol", minutes(20), "c1"));
    watermark(minutes(20));

    assertThat(published("alice")).containsExactly(
        "recent-ivr ENTERED pattern:ivr-call @0 until @60",
        "recent-web ENTERED pattern:web-visit @10 until @70",
        "recent-ivr EXTENDED pattern:ivr-call @20 until @80",
        "priority-caller ENTERED pattern:ivr-call @20");
    assertThat(published("bob")).containsExactly(
        "recent-ivr ENTERED pattern:ivr-call @20 until @80",
        "recent-web ENTERED pattern:web-visit @20 until @80",
        "priority-caller ENTERED pattern:ivr-call @20");
    assertThat(published("carol")).containsExactly(
        "recent-ivr ENTERED pattern:ivr-call @20 until @80",
        "recent-web ENTERED pattern:web-visit @20 until @80");
  }
}
