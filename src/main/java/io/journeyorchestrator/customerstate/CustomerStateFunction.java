package io.journeyorchestrator.customerstate;

import io.journeyorchestrator.avro.ActiveSuppression;
import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.CurrentMembership;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.MembershipChange;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.internal.avro.Membership;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.keyed.EventTimeHeapBuffer;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.suppression.PolicyHold;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Keeps each customer's current state (memberships, and the suppressions they cause) and emits it
 * whole whenever it changes, for the compacted current-state topic: the latest record of a
 * customer is all a reader needs, and a customer who holds nothing gets an empty state (written
 * as a tombstone). Membership updates wait until the watermark reaches their instant and those of
 * one instant are applied together, in the order the audience operator sent them, so each
 * instant gives one record and replays give the same records.
 *
 * <p>Suppressions are derived from the memberships with the same rule as the suppression
 * operator ({@link PolicyHold}), so state and suppression decisions cannot disagree. Memberships
 * of audiences the job no longer has are dropped when the customer is next seen. State: the
 * current state, cleared when the customer holds nothing (memberships are bounded by the
 * audience operator's exits and expiries), and updates waiting for their instant.
 */
public final class CustomerStateFunction extends
    KeyedProcessFunction<String, Either<MembershipUpdate, NextBestAction>, CustomerState>
    implements EventTimeHeapBuffer.Holder {
  private static final Comparator<CurrentMembership> BY_AUDIENCE =
      Comparator.comparing(CurrentMembership::getAudienceId);

  private final Set<String> audiences;
  private final List<SuppressionDefinition> policies;
  private transient EventTimeHeapBuffer<MembershipUpdate> pending;
  private transient EventTimeHeapBuffer<NextBestAction> pendingDecisions;
  private transient ValueState<CustomerState> state;
  private transient Counter written;
  private transient Counter tombstones;

  public CustomerStateFunction(Set<String> audiences, List<SuppressionDefinition> policies) {
    this.audiences = Set.copyOf(audiences);
    this.policies = List.copyOf(policies);
  }

  @Override
  public void open(OpenContext openContext) {
    pending =
        new EventTimeHeapBuffer<>(getRuntimeContext(), JobState.pendingStateUpdatesDescriptor());
    pendingDecisions =
        new EventTimeHeapBuffer<>(getRuntimeContext(), JobState.pendingStateDecisionsDescriptor());
    state = getRuntimeContext().getState(JobState.customerStateDescriptor());
    written = getRuntimeContext().getMetricGroup().counter("customerStatesWritten");
    tombstones = getRuntimeContext().getMetricGroup().counter("customerStateTombstones");
  }

  @Override
  public List<EventTimeHeapBuffer<?>> heapBuffers() {
    return List.of(pending, pendingDecisions);
  }

  @Override
  public void processElement(Either<MembershipUpdate, NextBestAction> input, Context ctx,
      Collector<CustomerState> out) throws Exception {
    if (input.isLeft()) {
      MembershipUpdate update = input.left();
      pending.add(ctx.getCurrentKey(), update.getChange().getEventTime().toEpochMilli(), update,
          ctx.timerService());
    } else {
      NextBestAction decision = input.right();
      pendingDecisions.add(ctx.getCurrentKey(), decision.getEventTime().toEpochMilli(), decision,
          ctx.timerService());
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<CustomerState> out)
      throws Exception {
    List<MembershipUpdate> due = pending.take(ctx.getCurrentKey(), timestamp);
    List<NextBestAction> decisions = pendingDecisions.take(ctx.getCurrentKey(), timestamp);
    if (due.isEmpty() && decisions.isEmpty()) {
      return;
    }
    CustomerState before = state.value();
    CustomerState after = apply(before, due, ctx.getCurrentKey(), timestamp);
    if (!decisions.isEmpty()) {
      after.setNextBestAction(CurrentActions.of(decisions.get(decisions.size() - 1)));
    }
    if (due.isEmpty() && before != null
        && Objects.equals(before.getNextBestAction(), after.getNextBestAction())) {
      // A new decision that changes nothing a touchpoint sees (only what is held back).
      return;
    }
    if (CustomerStates.holdsNothing(after)) {
      state.clear();
      if (before == null) {
        return;
      }
      tombstones.inc();
    } else {
      state.update(after);
    }
    written.inc();
    out.collect(after);
  }

  /** The state after one instant's updates; an empty one if the customer holds nothing. */
  CustomerState apply(CustomerState before, List<MembershipUpdate> updates, String customerId,
      long instant) {
    Map<String, CurrentMembership> memberships = new TreeMap<>();
    if (before != null) {
      for (CurrentMembership membership : before.getMemberships()) {
        if (audiences.contains(membership.getAudienceId())) {
          memberships.put(membership.getAudienceId(), membership);
        }
      }
    }
    List<String> changeIds = new ArrayList<>(updates.size());
    for (MembershipUpdate update : updates) {
      AudienceChange change = update.getChange();
      changeIds.add(change.getChangeId());
      String audienceId = change.getAudienceId();
      if (change.getChange() == MembershipChange.EXITED) {
        memberships.remove(audienceId);
      } else {
        CurrentMembership current = memberships.get(audienceId);
        Instant since = current != null && (change.getExtended() || update.getRefresh())
            ? current.getSince()
            : change.getEventTime();
        memberships.put(audienceId, new CurrentMembership(audienceId, since,
            change.getExpiresAt()));
      }
    }
    List<CurrentMembership> current = new ArrayList<>(memberships.values());
    current.sort(BY_AUDIENCE);
    return new CustomerState(customerId, Instant.ofEpochMilli(instant), current,
        suppressions(memberships), changeIds,
        before == null ? null : before.getNextBestAction());
  }

  private List<ActiveSuppression> suppressions(Map<String, CurrentMembership> memberships) {
    if (memberships.isEmpty()) {
      return List.of();
    }
    Map<String, Membership> held = new TreeMap<>();
    memberships.forEach((audienceId, membership) -> held.put(audienceId, new Membership(
        membership.getSince().toEpochMilli(),
        membership.getExpiresAt() == null ? null : membership.getExpiresAt().toEpochMilli())));
    List<ActiveSuppression> active = new ArrayList<>();
    for (SuppressionDefinition policy : policies) {
      Optional<PolicyHold> hold = PolicyHold.of(policy, held);
      hold.ifPresent(h -> active.add(new ActiveSuppression(policy.id(), policy.channels(),
          policy.categories(), h.audiences(),
          h.until() == null ? null : Instant.ofEpochMilli(h.until()))));
    }
    active.sort(Comparator.comparing(ActiveSuppression::getPolicyId));
    return active;
  }
}
