package io.journeyorchestrator.audience;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.MembershipChange;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.internal.avro.Membership;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.keyed.EventTimeBuffer;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.ErasureRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides one customer's audience memberships from pattern matches, in event-time order.
 *
 * <p>Matches wait in state until the watermark passes their end time, then apply in order of end
 * time whatever pattern they come from; at that point they are also published (the
 * {@link JobState#PUBLISHED_MATCHES} output), so a match built from erased events is never
 * published either. At one instant, the state afterwards must be what the patterns saw: expiries
 * first (a membership covers [entry, expiry)), then the matches completed by a deadline, then
 * those completed by events, event by event in the timeline's order, each event's exits before
 * its entries ({@link InstantOrder}). Outputs leave in the order they are applied. An entering
 * match enters a customer who is not a member and not in cooldown (ENTERED), or moves a member's
 * expiry forward (ENTERED with {@code extended}, so the latest record of a membership always
 * says when it ends). An exiting match exits a member (EXITED). Expiry exits by an event-time
 * timer at the expiry instant. Any exit starts the audience's cooldown.
 *
 * <p>An erasure request (from the customer timeline) at its own place in that order: every
 * membership exits with reason {@code erased}, cooldowns are forgotten, and from then on matches
 * whose first event is at or before the request are ignored, since they are built from events
 * the customer asked to erase. That rule is needed only as long as a match can reach back to the
 * request, the longest {@code within} of the job's patterns.
 *
 * <p>Per timer: one read of the pending matches at the instant, a scan of the customer's
 * memberships and cooldowns (to expire and end them), and per applied match one read and at most
 * one write of a membership. State is bounded: pending matches leave as the watermark passes
 * them, memberships on exit or expiry, cooldowns when they end, the erasure request once no match
 * can reach back to it; state of audiences no longer in the job is dropped when next seen,
 * without output.
 */
public final class AudienceMembershipFunction
    extends KeyedProcessFunction<String, DetectedMatch, MembershipUpdate> {
  private final AudienceRules rules;
  private final long longestMatchSpanMillis;
  private transient EventTimeBuffer<DetectedMatch> pending;
  private transient ValueState<Long> erasedAt;
  private transient ValueState<String> erasedEventId;
  private transient MapState<String, Membership> memberships;
  private transient MapState<String, Long> cooldowns;
  private transient Map<String, Counter> entered;
  private transient Map<String, Counter> exited;
  private transient Map<String, Counter> conditionErrors;
  private transient ErrorTally enterWhenErrors;
  private transient Counter erasures;

  /** @param longestMatchSpan the longest time from first to last event of any pattern's match */
  public AudienceMembershipFunction(AudienceRules rules, Duration longestMatchSpan) {
    this.rules = rules;
    this.longestMatchSpanMillis = longestMatchSpan.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    pending = new EventTimeBuffer<>(
        getRuntimeContext().getMapState(JobState.pendingMatchesDescriptor()));
    memberships = getRuntimeContext().getMapState(JobState.membershipsDescriptor());
    cooldowns = getRuntimeContext().getMapState(JobState.cooldownsDescriptor());
    erasedAt = getRuntimeContext().getState(JobState.erasedAtDescriptor());
    erasedEventId = getRuntimeContext().getState(JobState.erasedEventIdDescriptor());
    entered = new HashMap<>();
    exited = new HashMap<>();
    conditionErrors = new HashMap<>();
    erasures = getRuntimeContext().getMetricGroup().counter("erasures");
    enterWhenErrors = RunDiagnostics.tally(getRuntimeContext(), RunDiagnostics.ENTER_WHEN_ERRORS);
    for (AudienceDefinition audience : rules.audiences()) {
      MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("audience", audience.id());
      entered.put(audience.id(), group.counter("entered"));
      exited.put(audience.id(), group.counter("exited"));
      conditionErrors.put(audience.id(), group.counter("conditionErrors"));
    }
  }

  @Override
  public void processElement(DetectedMatch match, Context ctx, Collector<MembershipUpdate> out)
      throws Exception {
    pending.add(match.getMatch().getEndTime().toEpochMilli(), match, ctx.timerService());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<MembershipUpdate> out)
      throws Exception {
    String customerId = ctx.getCurrentKey();
    expireMemberships(customerId, timestamp, ctx, out);
    endCooldowns(timestamp);
    for (List<DetectedMatch> group : InstantOrder.groups(pending.take(timestamp))) {
      apply(customerId, group, timestamp, ctx, out);
    }
    Long erased = erasedAt.value();
    if (erased != null && timestamp > erased + longestMatchSpanMillis) {
      erasedAt.clear();
      erasedEventId.clear();
    }
  }

  /** One step of an instant (see {@link InstantOrder}): its erasure, then exits, then entries. */
  private void apply(String customerId, List<DetectedMatch> group, long now, OnTimerContext ctx,
      Collector<MembershipUpdate> out) throws Exception {
    for (DetectedMatch request : group) {
      if (ErasureRequests.isErasure(request)) {
        erase(customerId, request.getMatch(), now, ctx, out);
      }
    }
    List<DetectedMatch> applied = new ArrayList<>(group.size());
    for (DetectedMatch match : group) {
      if (!ErasureRequests.isErasure(match) && !builtFromErasedEvents(match.getMatch())) {
        applied.add(match);
      }
    }
    for (DetectedMatch match : applied) {
      ctx.output(JobState.PUBLISHED_MATCHES, match.getMatch());
    }
    for (DetectedMatch match : applied) {
      for (AudienceDefinition audience : rules.exitedBy(match.getMatch().getPatternId())) {
        exit(customerId, audience, match.getMatch(), now, ctx, out);
      }
    }
    for (DetectedMatch match : applied) {
      for (AudienceDefinition audience : rules.enteredBy(match.getMatch().getPatternId())) {
        enter(customerId, audience, match, now, ctx, out);
      }
    }
  }

  /**
   * A match whose first event comes at or before the latest erasure request, in the order the
   * timeline released events (time, then event id), is built from erased events.
   */
  private boolean builtFromErasedEvents(PatternMatch match) throws Exception {
    Long erased = erasedAt.value();
    if (erased == null) {
      return false;
    }
    long start = match.getStartTime().toEpochMilli();
    if (start != erased) {
      return start < erased;
    }
    String requestId = erasedEventId.value();
    // State written before the request's id was kept: the whole instant counts as erased.
    return requestId == null || match.getEventIds().get(0).compareTo(requestId) <= 0;
  }

  private void expireMemberships(String customerId, long now, OnTimerContext ctx,
      Collector<MembershipUpdate> out) throws Exception {
    Map<String, Membership> current = new HashMap<>();
    for (Map.Entry<String, Membership> entry : memberships.entries()) {
      current.put(entry.getKey(), entry.getValue());
    }
    for (Map.Entry<String, Membership> entry : current.entrySet()) {
      Optional<AudienceDefinition> audience = rules.audience(entry.getKey());
      Long expiresAt = entry.getValue().getExpiresAt();
      if (audience.isEmpty()) {
        memberships.remove(entry.getKey());
      } else if (expiresAt != null && expiresAt <= now) {
        memberships.remove(entry.getKey());
        exited.get(entry.getKey()).inc();
        out.collect(new MembershipUpdate(AudienceChanges.of(customerId, entry.getKey(),
            MembershipChange.EXITED, AudienceChanges.EXPIRED, expiresAt, null, List.of()), false));
        startCooldown(audience.get(), expiresAt, ctx);
      }
    }
  }

  private void erase(String customerId, PatternMatch request, long now, OnTimerContext ctx,
      Collector<MembershipUpdate> out) throws Exception {
    erasures.inc();
    for (AudienceDefinition audience : rules.audiences()) {
      if (memberships.contains(audience.id())) {
        exited.get(audience.id()).inc();
        out.collect(new MembershipUpdate(AudienceChanges.of(customerId, audience.id(),
            MembershipChange.EXITED, AudienceChanges.ERASED, now, null, request.getEventIds()),
            false));
      }
    }
    memberships.clear();
    cooldowns.clear();
    erasedAt.update(now);
    erasedEventId.update(request.getEventIds().get(0));
    ctx.timerService().registerEventTimeTimer(now + longestMatchSpanMillis + 1);
  }

  private void endCooldowns(long now) throws Exception {
    List<String> ended = new ArrayList<>();
    for (Map.Entry<String, Long> entry : cooldowns.entries()) {
      if (entry.getValue() <= now || rules.audience(entry.getKey()).isEmpty()) {
        ended.add(entry.getKey());
      }
    }
    for (String audienceId : ended) {
      cooldowns.remove(audienceId);
    }
  }

  private void exit(String customerId, AudienceDefinition audience, PatternMatch match, long now,
      OnTimerContext ctx, Collector<MembershipUpdate> out) throws Exception {
    if (!memberships.contains(audience.id())) {
      return;
    }
    memberships.remove(audience.id());
    exited.get(audience.id()).inc();
    out.collect(new MembershipUpdate(AudienceChanges.of(customerId, audience.id(),
        MembershipChange.EXITED, AudienceChanges.patternReason(match.getPatternId()), now, null,
        match.getEventIds()), false));
    startCooldown(audience, now, ctx);
  }

  private void startCooldown(AudienceDefinition audience, long exitTime, OnTimerContext ctx)
      throws Exception {
    Optional<Duration> cooldown = audience.cooldownOptional();
    if (cooldown.isPresent()) {
      long until = exitTime + cooldown.get().toMillis();
      cooldowns.put(audience.id(), until);
      ctx.timerService().registerEventTimeTimer(until);
    }
  }

  private void enter(String customerId, AudienceDefinition audience, DetectedMatch detected,
      long now, OnTimerContext ctx, Collector<MembershipUpdate> out) throws Exception {
    Long cooldownUntil = cooldowns.get(audience.id());
    if (cooldownUntil != null && now < cooldownUntil) {
      return;
    }
    if (!passesEnterWhen(audience.id(), detected.getLastEvent())) {
      return;
    }
    PatternMatch match = detected.getMatch();
    Long expiresAt = audience.expireAfterOptional().map(d -> now + d.toMillis()).orElse(null);
    Membership membership = memberships.get(audience.id());
    AudienceChange change = AudienceChanges.of(customerId, audience.id(), MembershipChange.ENTERED,
        AudienceChanges.patternReason(match.getPatternId()), now, expiresAt, match.getEventIds());
    if (membership == null) {
      memberships.put(audience.id(), new Membership(now, expiresAt));
      entered.get(audience.id()).inc();
      out.collect(new MembershipUpdate(change, false));
    } else if (expiresAt != null && !expiresAt.equals(membership.getExpiresAt())) {
      memberships.put(audience.id(), new Membership(membership.getEnteredAt(), expiresAt));
      out.collect(new MembershipUpdate(AudienceChanges.extended(customerId, audience.id(),
          change.getReason(), now, expiresAt, match.getEventIds()), true));
    } else {
      return;
    }
    if (expiresAt != null) {
      ctx.timerService().registerEventTimeTimer(expiresAt);
    }
  }

  private boolean passesEnterWhen(String audienceId, JourneyEvent lastEvent) {
    Optional<Condition> condition = rules.enterWhen(audienceId);
    if (condition.isEmpty()) {
      return true;
    }
    try {
      return condition.get().evaluate(lastEvent.getEvent(), lastEvent.getProfile());
    } catch (ConditionEvaluationException e) {
      conditionErrors.get(audienceId).inc();
      enterWhenErrors.add(new ErrorTally.Sample(audienceId,
          lastEvent.getEvent().getTimestamp().toEpochMilli(), lastEvent.getEvent().getEventId(),
          e.reason()));
      return false;
    }
  }
}
