package io.journeyorchestrator.suppression;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.MembershipChange;
import io.journeyorchestrator.avro.SuppressionAction;
import io.journeyorchestrator.avro.SuppressionDecision;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.internal.avro.CustomerSuppressions;
import io.journeyorchestrator.internal.avro.Membership;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.internal.avro.SuppressionState;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.EventTimeHeapBuffer;
import io.journeyorchestrator.keyed.JobState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides suppressions from one customer's audience membership updates, which arrive in event-time
 * order. Updates wait until the watermark reaches their instant and are applied together, in the
 * order the audience operator applied them, so a decision reflects the state after that instant:
 * an erasure exiting two audiences releases once, with no SUPPRESS for the audience that happened
 * to exit second, and a customer who entered and exited at one instant (an activation exactly at
 * the absence deadline) is not suppressed at all. A policy SUPPRESSes when the customer goes from none of its audiences to one, and
 * RELEASEs when back in none. {@code until} is the latest expiry among the holding audiences when
 * all of them expire, else null; when it changes while the customer stays suppressed, SUPPRESS is
 * sent again with the new value. Nothing else is sent in between.
 *
 * <p>State: updates waiting for their instant, and one value per customer with the memberships
 * of audiences some policy watches (removed on exit) and the policies currently suppressing
 * (removed on release): a timer reads and writes that value once, with no scan. Entries of
 * audiences and policies no longer in the job are dropped, without output, when the value is
 * next read. State of releases that kept them in two maps is moved into the value on restore:
 * run this function in an {@link EarlierStateOperator}.
 */
public final class SuppressionPolicyFunction
    extends KeyedProcessFunction<String, MembershipUpdate, SuppressionDecision>
    implements EarlierStateOperator.Owner, EventTimeHeapBuffer.Holder {
  private final List<SuppressionDefinition> policies;
  private final Set<String> watchedAudiences;
  private transient EventTimeHeapBuffer<MembershipUpdate> pending;
  private transient ValueState<CustomerSuppressions> state;
  private transient MapState<String, Membership> earlierHolds;
  private transient MapState<String, SuppressionState> earlierSuppressing;
  private transient Map<String, Counter> suppressed;
  private transient Map<String, Counter> released;

  public SuppressionPolicyFunction(List<SuppressionDefinition> policies) {
    this.policies = List.copyOf(policies);
    this.watchedAudiences = policies.stream()
        .flatMap(p -> p.whileAudiences().stream())
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void open(OpenContext openContext) {
    pending =
        new EventTimeHeapBuffer<>(getRuntimeContext(), JobState.pendingMembershipUpdatesDescriptor());
    state = getRuntimeContext().getState(JobState.customerSuppressionsDescriptor());
    earlierHolds = getRuntimeContext().getMapState(JobState.audienceHoldsDescriptor());
    earlierSuppressing = getRuntimeContext().getMapState(JobState.suppressingDescriptor());
    suppressed = new HashMap<>();
    released = new HashMap<>();
    for (SuppressionDefinition policy : policies) {
      MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("policy", policy.id());
      suppressed.put(policy.id(), group.counter("suppress"));
      released.put(policy.id(), group.counter("release"));
    }
  }

  @Override
  public List<EventTimeHeapBuffer<?>> heapBuffers() {
    return List.of(pending);
  }

  @Override
  public void processElement(MembershipUpdate update, Context ctx,
      Collector<SuppressionDecision> out) throws Exception {
    AudienceChange change = update.getChange();
    if (watchedAudiences.contains(change.getAudienceId())) {
      pending.add(ctx.getCurrentKey(), change.getEventTime().toEpochMilli(), update,
          ctx.timerService());
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SuppressionDecision> out)
      throws Exception {
    List<MembershipUpdate> due = pending.take(ctx.getCurrentKey(), timestamp);
    if (due.isEmpty()) {
      return;
    }
    CustomerSuppressions stored = state.value();
    Map<String, Membership> holds = new HashMap<>();
    Map<String, SuppressionState> suppressing = new HashMap<>();
    if (stored != null) {
      holds.putAll(stored.getHolds());
      suppressing.putAll(stored.getSuppressing());
      holds.keySet().retainAll(watchedAudiences);
      suppressing.keySet().retainAll(suppressed.keySet());
    }
    Set<String> changed = new HashSet<>();
    for (MembershipUpdate update : due) {
      AudienceChange change = update.getChange();
      String audienceId = change.getAudienceId();
      changed.add(audienceId);
      if (change.getChange() == MembershipChange.EXITED) {
        holds.remove(audienceId);
      } else {
        Instant expiresAt = change.getExpiresAt();
        holds.put(audienceId, new Membership(change.getEventTime().toEpochMilli(),
            expiresAt == null ? null : expiresAt.toEpochMilli()));
      }
    }
    for (SuppressionDefinition policy : policies) {
      if (policy.whileAudiences().stream().anyMatch(changed::contains)) {
        decide(policy, holds, suppressing, ctx.getCurrentKey(), timestamp, out);
      }
    }
    if (holds.isEmpty() && suppressing.isEmpty()) {
      state.clear();
    } else {
      state.update(new CustomerSuppressions(holds, suppressing));
    }
  }

  private void decide(SuppressionDefinition policy, Map<String, Membership> holds,
      Map<String, SuppressionState> suppressing, String customerId, long eventTime,
      Collector<SuppressionDecision> out) {
    Optional<PolicyHold> hold = PolicyHold.of(policy, holds);
    SuppressionState current = suppressing.get(policy.id());
    if (hold.isEmpty()) {
      if (current != null) {
        suppressing.remove(policy.id());
        released.get(policy.id()).inc();
        out.collect(decision(policy, customerId, SuppressionAction.RELEASE, List.of(), eventTime,
            null));
      }
      return;
    }
    Long until = hold.get().until();
    if (current == null || !Objects.equals(current.getUntil(), until)) {
      suppressing.put(policy.id(), new SuppressionState(until));
      if (current == null) {
        suppressed.get(policy.id()).inc();
      }
      out.collect(decision(policy, customerId, SuppressionAction.SUPPRESS,
          hold.get().audiences(), eventTime, until));
    }
  }

  @Override
  public List<String> earlierStateNames() {
    return List.of(JobState.audienceHoldsDescriptor().getName(),
        JobState.suppressingDescriptor().getName());
  }

  /** Holds and suppressing policies of releases that kept them in two maps, into one value. */
  @Override
  public void moveEarlierState() throws Exception {
    Map<String, Membership> holds = EarlierStateOperator.drain(earlierHolds);
    Map<String, SuppressionState> suppressing = EarlierStateOperator.drain(earlierSuppressing);
    if (!holds.isEmpty() || !suppressing.isEmpty()) {
      state.update(new CustomerSuppressions(holds, suppressing));
    }
  }

  static SuppressionDecision decision(SuppressionDefinition policy, String customerId,
      SuppressionAction action, List<String> audiences, long eventTime, Long until) {
    String identity = String.join("\u0000", customerId, policy.id(), action.name(),
        Long.toString(eventTime), String.valueOf(until), String.join(",", audiences));
    return SuppressionDecision.newBuilder()
        .setDecisionId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
        .setCustomerId(customerId)
        .setPolicyId(policy.id())
        .setAction(action)
        .setChannels(policy.channels())
        .setCategories(policy.categories())
        .setAudiences(audiences)
        .setEventTime(Instant.ofEpochMilli(eventTime))
        .setUntil(until == null ? null : Instant.ofEpochMilli(until))
        .build();
  }
}
