package io.journeyorchestrator.audience;

import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.MembershipChange;
import io.journeyorchestrator.avro.SuppressionAction;
import io.journeyorchestrator.avro.SuppressionDecision;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.internal.avro.AudienceState;
import io.journeyorchestrator.internal.avro.CustomerSuppressions;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.keyed.ErasureRequests;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.suppression.SuppressionPolicyFunction;
import io.journeyorchestrator.testing.Matches;
import io.journeyorchestrator.timeline.CustomerTimeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The audience and suppression operators, chained as in the job and on RocksDB, over random
 * matches with many same-instant collisions (deadline and event matches, erasures, entries at
 * expiry instants): the state their outputs describe, read in order, is at every step a
 * consistent story and at the end exactly the state the operators hold.
 */
class AudienceStateInvariantsTest {
  private static final List<AudienceDefinition> AUDIENCES = List.of(
      audience("a", List.of("enter-a", "enter-both"), List.of("exit-a"), Duration.ofMinutes(60),
          Duration.ofMinutes(20)),
      audience("b", List.of("enter-b", "enter-both"), List.of("exit-b"), null, null),
      audience("c", List.of("enter-c"), List.of("exit-a", "exit-b"), Duration.ofMinutes(30),
          null));
  private static final List<SuppressionDefinition> POLICIES = List.of(
      new SuppressionDefinition("ab", List.of("a", "b"), List.of(), List.of(), "test"),
      new SuppressionDefinition("c", List.of("c"), List.of(), List.of(), "test"));
  private static final List<String> PATTERNS =
      List.of("enter-a", "enter-b", "enter-c", "enter-both", "exit-a", "exit-b");
  private static final Duration LONGEST_MATCH = Duration.ofMinutes(40);
  private static final long STEP = Duration.ofMinutes(5).toMillis();

  private static AudienceDefinition audience(String id, List<String> enter, List<String> exit,
      Duration expireAfter, Duration cooldown) {
    return new AudienceDefinition(id, "", enter, null, exit, expireAfter, cooldown, "test");
  }

  private static <I, O> KeyedOneInputStreamOperatorTestHarness<String, I, O> onRocksDb(
      KeyedProcessFunction<String, I, O> function,
      org.apache.flink.api.java.functions.KeySelector<I, String> key) throws Exception {
    var harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(function), key, Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    harness.open();
    return harness;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {3, 11, 2026})
  void shouldHoldExactlyTheStateItsOutputsDescribe(long seed) throws Exception {
    var audiences = onRocksDb(
        new AudienceMembershipFunction(new AudienceRules(AUDIENCES), LONGEST_MATCH),
        (DetectedMatch m) -> m.getMatch().getCustomerId());
    var suppressions = onRocksDb(new SuppressionPolicyFunction(POLICIES),
        (MembershipUpdate u) -> u.getChange().getCustomerId());
    List<String> customers = List.of("alice", "bob", "carol", "dave");
    List<DetectedMatch> matches = randomMatches(new Random(seed), customers, 120);
    long end = matches.stream().mapToLong(m -> m.getMatch().getEndTime().toEpochMilli()).max()
        .getAsLong() + STEP;
    for (DetectedMatch match : matches) {
      audiences.processElement(new StreamRecord<>(match,
          match.getMatch().getEndTime().toEpochMilli()));
    }

    Story story = new Story();
    int seenChanges = 0;
    int seenDecisions = 0;
    for (long watermark = minutes(0).toEpochMilli(); watermark <= end; watermark += STEP) {
      audiences.processWatermark(watermark);
      List<MembershipUpdate> updates = audiences.extractOutputValues();
      for (MembershipUpdate update : updates.subList(seenChanges, updates.size())) {
        story.apply(update.getChange());
        suppressions.processElement(new StreamRecord<>(update,
            update.getChange().getEventTime().toEpochMilli()));
      }
      seenChanges = updates.size();
      suppressions.processWatermark(watermark);
      List<SuppressionDecision> decisions = suppressions.extractOutputValues();
      decisions.subList(seenDecisions, decisions.size()).forEach(story::apply);
      seenDecisions = decisions.size();
    }

    assertThat(seenChanges).as("the random matches changed memberships").isGreaterThan(30);
    for (String customer : customers) {
      assertThat(memberships(audiences, customer))
          .as("memberships of %s", customer).isEqualTo(story.memberships(customer));
      assertThat(suppressing(suppressions, customer))
          .as("suppressions of %s", customer).isEqualTo(story.suppressions(customer));
      for (SuppressionDefinition policy : POLICIES) {
        Map<String, Long> holding = new TreeMap<>(story.memberships(customer));
        holding.keySet().retainAll(policy.whileAudiences());
        assertThat(story.suppressions(customer).containsKey(policy.id()))
            .as("%s suppressed by %s while in %s", customer, policy.id(), holding)
            .isEqualTo(!holding.isEmpty());
      }
    }
    audiences.close();
    suppressions.close();
  }

  /** Matches on a 5-minute grid: a third share an instant with another, some by deadline. */
  private static List<DetectedMatch> randomMatches(Random random, List<String> customers,
      int count) {
    List<DetectedMatch> matches = new ArrayList<>();
    Map<String, Long> slots = new HashMap<>();
    for (int i = 0; i < count; i++) {
      String customer = customers.get(random.nextInt(customers.size()));
      long slot = slots.merge(customer, (long) (random.nextInt(3) == 0 ? 0 : random.nextInt(8)),
          Long::sum);
      Instant end = minutes(0).plusMillis(slot * STEP);
      String eventId = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
      int kind = random.nextInt(20);
      if (kind == 0) {
        matches.add(ErasureRequests.of(InteractionEvent.newBuilder().setEventId(eventId)
            .setCustomerId(customer).setTimestamp(end)
            .setType(CustomerTimeline.ERASURE_TYPE).setChannel(Channel.OTHER)
            .setAttributes(Map.of()).build()));
      } else if (kind < 5) {
        Instant start = end.minus(Duration.ofMinutes(5L * (1 + random.nextInt(6))));
        matches.add(Matches.byDeadline(PATTERNS.get(random.nextInt(PATTERNS.size())), customer,
            start, end, eventId));
      } else {
        Instant start = end.minus(Duration.ofMinutes(5L * random.nextInt(6)));
        matches.add(Matches.spanning(PATTERNS.get(random.nextInt(PATTERNS.size())), customer,
            start, end, "first-" + eventId, eventId));
      }
    }
    Collections.shuffle(matches, random);
    return matches;
  }

  /** Per audience, the expiry of the customer's membership, as the audience state holds it. */
  private static Map<String, Long> memberships(
      KeyedOneInputStreamOperatorTestHarness<String, ?, ?> harness, String customer)
      throws Exception {
    KeyedStateBackend<String> backend =
        ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    backend.setCurrentKey(customer);
    AudienceState state = backend.getPartitionedState(VoidNamespace.INSTANCE,
        VoidNamespaceSerializer.INSTANCE, JobState.audienceStateDescriptor()).value();
    Map<String, Long> memberships = new TreeMap<>();
    if (state != null) {
      state.getMemberships().forEach((id, m) -> memberships.put(id, m.getExpiresAt()));
    }
    return memberships;
  }

  /** Per policy suppressing the customer, its until, as the suppression state holds it. */
  private static Map<String, Long> suppressing(
      KeyedOneInputStreamOperatorTestHarness<String, ?, ?> harness, String customer)
      throws Exception {
    KeyedStateBackend<String> backend =
        ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    backend.setCurrentKey(customer);
    CustomerSuppressions state = backend.getPartitionedState(VoidNamespace.INSTANCE,
        VoidNamespaceSerializer.INSTANCE, JobState.customerSuppressionsDescriptor()).value();
    Map<String, Long> suppressing = new TreeMap<>();
    if (state != null) {
      state.getSuppressing().forEach((id, s) -> suppressing.put(id, s.getUntil()));
    }
    return suppressing;
  }

  private static final class Story {
    private final Map<String, Map<String, Long>> members = new HashMap<>();
    private final Map<String, Map<String, Long>> suppressed = new HashMap<>();

    void apply(AudienceChange change) {
      Map<String, Long> in = members.computeIfAbsent(change.getCustomerId(), c -> new TreeMap<>());
      boolean member = in.containsKey(change.getAudienceId());
      if (change.getChange() == MembershipChange.EXITED) {
        assertThat(member).as("EXITED of a non-member: %s", change).isTrue();
        in.remove(change.getAudienceId());
        return;
      }
      assertThat(member).as("ENTERED (extended %s): %s", change.getExtended(), change)
          .isEqualTo(change.getExtended());
      in.put(change.getAudienceId(), millis(change.getExpiresAt()));
    }

    void apply(SuppressionDecision decision) {
      Map<String, Long> active =
          suppressed.computeIfAbsent(decision.getCustomerId(), c -> new TreeMap<>());
      if (decision.getAction() == SuppressionAction.RELEASE) {
        assertThat(active).as("RELEASE follows SUPPRESS: %s", decision)
            .containsKey(decision.getPolicyId());
        active.remove(decision.getPolicyId());
      } else {
        active.put(decision.getPolicyId(), millis(decision.getUntil()));
      }
    }

    /** Epoch millis, or null for "does not end". */
    private static Long millis(Instant instant) {
      return instant == null ? null : instant.toEpochMilli();
    }

    Map<String, Long> memberships(String customer) {
      return members.getOrDefault(customer, Map.of());
    }

    Map<String, Long> suppressions(String customer) {
      return suppressed.getOrDefault(customer, Map.of());
    }
  }
}
