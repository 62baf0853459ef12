package io.journeyorchestrator.audience;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.MembershipChange;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.internal.avro.AudienceState;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.internal.avro.Membership;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.ErasureRequests;
import io.journeyorchestrator.keyed.EventTimeHeapBuffer;
import io.journeyorchestrator.keyed.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * <p>Audiences composed of others ({@code while}) follow their parts at the parts' instants:
 * after the instant's expiries, and after each event's exits and entries, every composed audience
 * is brought up to date, parts first (reason {@code while}). An enterWhen that reads
 * {@code audiences} is evaluated after that, on the memberships as they then stand, the same for
 * every such entry of the event (so no entry depends on another's order); the compositions are
 * brought up to date once more after those entries.
 *
 * <p>An erasure request (from the customer timeline) at its own place in that order: every
 * membership exits with reason {@code erased}, cooldowns are forgotten, and from then on matches
 * whose first event is at or before the request are ignored, since they are built from events
 * the customer asked to erase. That rule is needed only as long as a match can reach back to the
 * request, the longest {@code within} of the job's patterns.
 *
 * <p>Per timer: one read of the pending matches at the instant and one of the customer's
 * memberships and cooldowns (one value: expiries and cooldown ends are found by the audiences
 * that have them, with no scan of state), one write of that value if anything changed. State is
 * bounded: pending matches leave as the watermark passes them, memberships on exit or expiry,
 * cooldowns when they end, the erasure request once no match can reach back to it; entries of
 * audiences no longer in the job are dropped, without output, when the value is next read.
 * Memberships and cooldowns of releases that kept them in two maps are moved into the value on
 * restore: run this function in an {@link EarlierStateOperator}.
 */
public final class AudienceMembershipFunction
    extends KeyedProcessFunction<String, DetectedMatch, MembershipUpdate>
    implements EarlierStateOperator.Owner, EventTimeHeapBuffer.Holder {
  private final AudienceRules rules;
  private final long longestMatchSpanMillis;
  /** The customer to emit {@link JobState#NOTES} for (explain.sh); null in the running job. */
  private final String tracedCustomer;
  private transient EventTimeHeapBuffer<DetectedMatch> pending;
  private transient ValueState<Long> erasedAt;
  private transient ValueState<String> erasedEventId;
  private transient ValueState<AudienceState> audienceState;
  private transient MapState<String, Membership> earlierMemberships;
  private transient MapState<String, Long> earlierCooldowns;
  private transient List<AudienceDefinition> expiring;
  private transient List<AudienceDefinition> withCooldown;
  private transient List<AudienceDefinition> composed;
  private transient Map<String, Counter> entered;
  private transient Map<String, Counter> exited;
  private transient Map<String, Counter> conditionErrors;
  private transient ErrorTally enterWhenErrors;
  private transient Counter erasures;

  /** @param longestMatchSpan the longest time from first to last event of any pattern's match */
  public AudienceMembershipFunction(AudienceRules rules, Duration longestMatchSpan) {
    this(rules, longestMatchSpan, null);
  }

  /**
   * @param tracedCustomer the customer for whom to say, on {@link JobState#NOTES}, why entries
   *     were ignored, or null
   */
  public AudienceMembershipFunction(AudienceRules rules, Duration longestMatchSpan,
      String tracedCustomer) {
    this.rules = rules;
    this.longestMatchSpanMillis = longestMatchSpan.toMillis();
    this.tracedCustomer = tracedCustomer;
  }

  /** Notes are for the traced customer only, so their text is built for nobody else. */
  private boolean traced(OnTimerContext ctx) {
    return tracedCustomer != null && tracedCustomer.equals(ctx.getCurrentKey());
  }

  private void note(OnTimerContext ctx, long now, String subject, String text) {
    ctx.output(JobState.NOTES, OutputLines.note(OutputLines.BLOCKED, ctx.getCurrentKey(), now,
        subject, text));
  }

  @Override
  public void open(OpenContext openContext) {
    pending =
        new EventTimeHeapBuffer<>(getRuntimeContext(), JobState.pendingMatchesDescriptor());
    audienceState = getRuntimeContext().getState(JobState.audienceStateDescriptor());
    earlierMemberships = getRuntimeContext().getMapState(JobState.membershipsDescriptor());
    earlierCooldowns = getRuntimeContext().getMapState(JobState.cooldownsDescriptor());
    expiring = rules.expiring();
    withCooldown = rules.withCooldown();
    composed = rules.composed();
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
  public List<EventTimeHeapBuffer<?>> heapBuffers() {
    return List.of(pending);
  }

  @Override
  public void processElement(DetectedMatch match, Context ctx, Collector<MembershipUpdate> out)
      throws Exception {
    pending.add(ctx.getCurrentKey(), match.getMatch().getEndTime().toEpochMilli(), match,
        ctx.timerService());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<MembershipUpdate> out)
      throws Exception {
    String customerId = ctx.getCurrentKey();
    AudienceState stored = audienceState.value();
    CustomerAudiences audiences = CustomerAudiences.of(stored, rules);
    expireMemberships(customerId, audiences, timestamp, ctx, out);
    endCooldowns(audiences, timestamp);
    compose(customerId, audiences, List.of(), timestamp, ctx, out);
    for (List<DetectedMatch> group : InstantOrder.groups(pending.take(customerId, timestamp))) {
      apply(customerId, audiences, group, timestamp, ctx, out);
    }
    if (audiences.changed()) {
      AudienceState changed = audiences.toRecord();
      if (changed == null) {
        audienceState.clear();
      } else {
        audienceState.update(changed);
      }
    }
    Long erased = erasedAt.value();
    if (erased != null && timestamp > erased + longestMatchSpanMillis) {
      erasedAt.clear();
      erasedEventId.clear();
    }
  }

  /** One step of an instant (see {@link InstantOrder}): its erasure, then exits, then entries. */
  private void apply(String customerId, CustomerAudiences audiences, List<DetectedMatch> group,
      long now, OnTimerContext ctx, Collector<MembershipUpdate> out) throws Exception {
    for (DetectedMatch request : group) {
      if (ErasureRequests.isErasure(request)) {
        erase(customerId, audiences, request.getMatch(), now, ctx, out);
      }
    }
    List<DetectedMatch> applied = new ArrayList<>(group.size());
    for (DetectedMatch match : group) {
      if (ErasureRequests.isErasure(match)) {
        continue;
      }
      if (builtFromErasedEvents(match.getMatch())) {
        if (traced(ctx)) {
          note(ctx, now, match.getMatch().getPatternId(), "match withheld: it begins at or"
              + " before the erasure request at " + Instant.ofEpochMilli(erasedAt.value()));
        }
      } else {
        applied.add(match);
      }
    }
    for (DetectedMatch match : applied) {
      ctx.output(JobState.PUBLISHED_MATCHES, match.getMatch());
    }
    for (DetectedMatch match : applied) {
      for (AudienceDefinition audience : rules.exitedBy(match.getMatch().getPatternId())) {
        exit(customerId, audiences, audience, match.getMatch(), now, ctx, out);
      }
    }
    for (DetectedMatch match : applied) {
      for (AudienceDefinition audience : rules.enteredBy(match.getMatch().getPatternId())) {
        if (!rules.enterWhenReadsAudiences(audience.id())) {
          enter(customerId, audiences, audience, match, null, now, ctx, out);
        }
      }
    }
    if (applied.isEmpty()) {
      return;
    }
    List<String> eventIds = eventIdsOf(applied);
    compose(customerId, audiences, eventIds, now, ctx, out);
    // Entries whose enterWhen reads memberships all see them as they stand now, after this
    // event's exits, the other entries and the compositions: none depends on another's order.
    List<String> memberships = null;
    for (DetectedMatch match : applied) {
      for (AudienceDefinition audience : rules.enteredBy(match.getMatch().getPatternId())) {
        if (rules.enterWhenReadsAudiences(audience.id())) {
          if (memberships == null) {
            memberships = audiences.memberIds();
          }
          enter(customerId, audiences, audience, match, memberships, now, ctx, out);
        }
      }
    }
    if (memberships != null) {
      compose(customerId, audiences, eventIds, now, ctx, out);
    }
  }

  private static List<String> eventIdsOf(List<DetectedMatch> matches) {
    if (matches.size() == 1) {
      return matches.get(0).getMatch().getEventIds();
    }
    return matches.stream().flatMap(m -> m.getMatch().getEventIds().stream()).distinct().toList();
  }

  /**
   * Brings the composed audiences up to date with the memberships they read, parts first: a
   * customer enters when the composition starts to hold, and exits when it stops (or, with
   * {@code memberFor}, that long after). A member's expiry is when the composition will stop
   * holding by its parts' expiries alone (plus {@code memberFor}), restated (EXTENDED) when that
   * moves, so the latest record of a membership always says when it ends.
   */
  private void compose(String customerId, CustomerAudiences audiences, List<String> eventIds,
      long now, OnTimerContext ctx, Collector<MembershipUpdate> out) {
    for (AudienceDefinition audience : composed) {
      Membership membership = audiences.membership(audience.id());
      Long memberFor = audience.memberFor() == null ? null : audience.memberFor().toMillis();
      Long expiresAt;
      if (AudienceComposition.holds(audience.composition(), audiences)) {
        Long until = AudienceComposition.holdsUntil(audience.composition(), audiences);
        expiresAt = until == null || memberFor == null ? until : Long.valueOf(until + memberFor);
      } else if (membership == null) {
        continue;
      } else if (memberFor == null) {
        audiences.removeMembership(audience.id());
        exited.get(audience.id()).inc();
        out.collect(new MembershipUpdate(AudienceChanges.of(customerId, audience.id(),
            MembershipChange.EXITED, AudienceChanges.COMPOSED, now, null, eventIds), false));
        continue;
      } else {
        // Stopped holding: the member stays memberFor from the last instant it held.
        Long current = membership.getExpiresAt();
        expiresAt = current == null ? now + memberFor : Math.min(current, now + memberFor);
      }
      if (membership == null) {
        audiences.putMembership(audience.id(), new Membership(now, expiresAt));
        entered.get(audience.id()).inc();
        out.collect(new MembershipUpdate(AudienceChanges.of(customerId, audience.id(),
            MembershipChange.ENTERED, AudienceChanges.COMPOSED, now, expiresAt, eventIds), false));
      } else if (!Objects.equals(expiresAt, membership.getExpiresAt())) {
        audiences.putMembership(audience.id(), new Membership(membership.getEnteredAt(),
            expiresAt));
        out.collect(new MembershipUpdate(AudienceChanges.extended(customerId, audience.id(),
            AudienceChanges.COMPOSED, now, expiresAt, eventIds), true));
      } else {
        continue;
      }
      if (expiresAt != null) {
        ctx.timerService().registerEventTimeTimer(expiresAt);
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

  /** Expiries in definition order: one lookup per audience with an expiry, no scan. */
  private void expireMemberships(String customerId, CustomerAudiences audiences, long now,
      OnTimerContext ctx, Collector<MembershipUpdate> out) {
    for (AudienceDefinition audience : expiring) {
      Membership membership = audiences.membership(audience.id());
      Long expiresAt = membership == null ? null : membership.getExpiresAt();
      if (expiresAt != null && expiresAt <= now) {
        audiences.removeMembership(audience.id());
        exited.get(audience.id()).inc();
        out.collect(new MembershipUpdate(AudienceChanges.of(customerId, audience.id(),
            MembershipChange.EXITED, AudienceChanges.EXPIRED, expiresAt, null, List.of()), false));
        startCooldown(audiences, audience, expiresAt, ctx);
      }
    }
  }

  private void erase(String customerId, CustomerAudiences audiences, PatternMatch request,
      long now, OnTimerContext ctx, Collector<MembershipUpdate> out) throws Exception {
    erasures.inc();
    for (AudienceDefinition audience : rules.audiences()) {
      if (audiences.membership(audience.id()) != null) {
        exited.get(audience.id()).inc();
        out.collect(new MembershipUpdate(AudienceChanges.of(customerId, audience.id(),
            MembershipChange.EXITED, AudienceChanges.ERASED, now, null, request.getEventIds()),
            false));
      }
    }
    audiences.clear();
    erasedAt.update(now);
    erasedEventId.update(request.getEventIds().get(0));
    ctx.timerService().registerEventTimeTimer(now + longestMatchSpanMillis + 1);
  }

  private void endCooldowns(CustomerAudiences audiences, long now) {
    for (AudienceDefinition audience : withCooldown) {
      Long until = audiences.cooldownUntil(audience.id());
      if (until != null && until <= now) {
        audiences.removeCooldown(audience.id());
      }
    }
  }

  private void exit(String customerId, CustomerAudiences audiences, AudienceDefinition audience,
      PatternMatch match, long now, OnTimerContext ctx, Collector<MembershipUpdate> out) {
    if (audiences.membership(audience.id()) == null) {
      return;
    }
    audiences.removeMembership(audience.id());
    exited.get(audience.id()).inc();
    out.collect(new MembershipUpdate(AudienceChanges.of(customerId, audience.id(),
        MembershipChange.EXITED, AudienceChanges.patternReason(match.getPatternId()), now, null,
        match.getEventIds()), false));
    startCooldown(audiences, audience, now, ctx);
  }

  private void startCooldown(CustomerAudiences audiences, AudienceDefinition audience,
      long exitTime, OnTimerContext ctx) {
    Optional<Duration> cooldown = audience.cooldownOptional();
    if (cooldown.isPresent()) {
      long until = exitTime + cooldown.get().toMillis();
      audiences.putCooldown(audience.id(), until);
      ctx.timerService().registerEventTimeTimer(until);
    }
  }

  /** @param memberships what enterWhen sees as {@code audiences}; null when it does not read it */
  private void enter(String customerId, CustomerAudiences audiences, AudienceDefinition audience,
      DetectedMatch detected, List<String> memberships, long now, OnTimerContext ctx,
      Collector<MembershipUpdate> out) {
    Long cooldownUntil = audiences.cooldownUntil(audience.id());
    if (cooldownUntil != null && now < cooldownUntil) {
      if (traced(ctx)) {
        note(ctx, now, audience.id(), "entry by " + entering(detected)
            + " ignored: in cooldown until " + Instant.ofEpochMilli(cooldownUntil));
      }
      return;
    }
    if (!passesEnterWhen(audience.id(), detected, memberships, now, ctx)) {
      return;
    }
    PatternMatch match = detected.getMatch();
    Long expiresAt = audience.expireAfterOptional().map(d -> now + d.toMillis()).orElse(null);
    Membership membership = audiences.membership(audience.id());
    AudienceChange change = AudienceChanges.of(customerId, audience.id(), MembershipChange.ENTERED,
        AudienceChanges.patternReason(match.getPatternId()), now, expiresAt, match.getEventIds());
    if (membership == null) {
      audiences.putMembership(audience.id(), new Membership(now, expiresAt));
      entered.get(audience.id()).inc();
      out.collect(new MembershipUpdate(change, false));
    } else if (expiresAt != null && !expiresAt.equals(membership.getExpiresAt())) {
      audiences.putMembership(audience.id(), new Membership(membership.getEnteredAt(), expiresAt));
      out.collect(new MembershipUpdate(AudienceChanges.extended(customerId, audience.id(),
          change.getReason(), now, expiresAt, match.getEventIds()), true));
    } else {
      return;
    }
    if (expiresAt != null) {
      ctx.timerService().registerEventTimeTimer(expiresAt);
    }
  }

  @Override
  public List<String> earlierStateNames() {
    return List.of(JobState.membershipsDescriptor().getName(),
        JobState.cooldownsDescriptor().getName());
  }

  /** Memberships and cooldowns of releases that kept them in two maps, moved into one value. */
  @Override
  public void moveEarlierState() throws Exception {
    Map<String, Membership> memberships = EarlierStateOperator.drain(earlierMemberships);
    Map<String, Long> cooldowns = EarlierStateOperator.drain(earlierCooldowns);
    if (!memberships.isEmpty() || !cooldowns.isEmpty()) {
      audienceState.update(new AudienceState(memberships, cooldowns));
    }
  }

  private static String entering(DetectedMatch detected) {
    return AudienceChanges.patternReason(detected.getMatch().getPatternId());
  }

  /** Whether enterWhen lets the match enter; a failure counts as false and is tallied. */
  private boolean passesEnterWhen(String audienceId, DetectedMatch detected,
      List<String> memberships, long now, OnTimerContext ctx) {
    Optional<Condition> condition = rules.enterWhen(audienceId);
    if (condition.isEmpty()) {
      return true;
    }
    JourneyEvent lastEvent = detected.getLastEvent();
    try {
      if (condition.get().evaluate(lastEvent.getEvent(), lastEvent.getProfile(),
          memberships == null ? List.of() : memberships)) {
        return true;
      }
      if (traced(ctx)) {
        note(ctx, now, audienceId, "entry by " + entering(detected) + " ignored: enterWhen is"
            + " false (profile: " + new TreeMap<>(lastEvent.getProfile())
            + (memberships == null ? "" : "; audiences: " + new TreeSet<>(memberships))
            + ")");
      }
    } catch (ConditionEvaluationException e) {
      conditionErrors.get(audienceId).inc();
      enterWhenErrors.add(new ErrorTally.Sample(audienceId,
          lastEvent.getEvent().getTimestamp().toEpochMilli(), lastEvent.getEvent().getEventId(),
          e.reason()));
      if (traced(ctx)) {
        note(ctx, now, audienceId, "entry by " + entering(detected) + " ignored: enterWhen"
            + " failed: " + e.reason());
      }
    }
    return false;
  }
}
