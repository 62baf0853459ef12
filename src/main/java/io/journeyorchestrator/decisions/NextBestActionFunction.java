package io.journeyorchestrator.decisions;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.MembershipChange;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.config.ActionDefinition;
import io.journeyorchestrator.config.ActionDefinition.Cap;
import io.journeyorchestrator.config.DecisionSettings;
import io.journeyorchestrator.config.EventCatalog;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.internal.avro.CountedSend;
import io.journeyorchestrator.internal.avro.DecisionState;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.keyed.EventTimeBuffer;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.ProfileUpdates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Re-decides a customer's next best action whenever something it depends on changes, and emits
 * the answer only when it differs from the last one. Input 1 is the audience operator's
 * membership updates (suppressions are derived from them with the suppression operator's rule: a
 * policy holds while the customer is in any of its audiences); input 2 the customer's events, of
 * which only sent-message events (counted for caps) and profile updates matter. Both wait for
 * the watermark and are applied per instant, so out-of-order input gives the same answers.
 *
 * <p>Per event on the path: one buffered write and one timer per new instant; at each instant's
 * timer one read and one write (or clear) of {@code decision-state}, plus at most one cap timer
 * set. State is cleared when the customer is in no audience an action needs, no counted send is
 * left and the profile is not read (by a condition, a score or quiet hours); sends are kept only
 * within the longest cap window; a profile kept alone (the customer in no such audience, with no
 * counted send) is dropped {@link ProfileUpdates#RETENTION} of event time after the last change.
 */
public final class NextBestActionFunction
    extends KeyedCoProcessFunction<String, MembershipUpdate, InteractionEvent, NextBestAction> {
  private final ActionRules rules;
  private final DecisionSettings settings;
  private final List<SuppressionDefinition> policies;
  private final Set<String> actionAudiences;
  private final Map<String, ActionDefinition> actionsById = new HashMap<>();
  private final Duration longestCap;
  /** Profiles usually arrive before any audience entry, so they are kept when read at all. */
  private final boolean profileMatters;
  private transient ActionRanking ranking;
  private transient HoldoutGroup holdout;
  private transient QuietHoursCalendar quietHours;
  private transient EventTimeBuffer<MembershipUpdate> pendingUpdates;
  private transient EventTimeBuffer<InteractionEvent> pendingEvents;
  private transient ValueState<DecisionState> state;
  private transient Counter decided;
  private transient Counter scoreErrors;

  public NextBestActionFunction(List<ActionDefinition> actions, DecisionSettings settings,
      List<SuppressionDefinition> policies) {
    this.rules = new ActionRules(actions);
    this.settings = settings;
    this.policies = List.copyOf(policies);
    actions.forEach(action -> actionsById.put(action.id(), action));
    Set<String> needed = new TreeSet<>();
    actions.forEach(action -> needed.addAll(action.eligibleWhile()));
    policies.forEach(policy -> needed.addAll(policy.whileAudiences()));
    this.actionAudiences = Set.copyOf(needed);
    this.profileMatters = settings.quietHours() != null || actions.stream()
        .anyMatch(a -> a.eligibleWhen() != null || a.priorityScore() != null);
    this.longestCap = Stream.of(actions.stream().flatMap(action -> action.caps().stream()),
            settings.channelCaps().values().stream(), settings.categoryCaps().values().stream())
        .flatMap(caps -> caps).map(Cap::per).max(Comparator.naturalOrder())
        .orElse(Duration.ZERO);
  }

  @Override
  public void open(OpenContext openContext) {
    ranking = new ActionRanking(rules.actions(), settings);
    holdout = new HoldoutGroup(settings.holdoutSalt());
    quietHours = settings.quietHoursOptional().map(QuietHoursCalendar::new).orElse(null);
    pendingUpdates = new EventTimeBuffer<>(
        getRuntimeContext().getMapState(JobState.pendingDecisionUpdatesDescriptor()));
    pendingEvents = new EventTimeBuffer<>(
        getRuntimeContext().getMapState(JobState.pendingDecisionEventsDescriptor()));
    state = getRuntimeContext().getState(JobState.decisionStateDescriptor());
    decided = getRuntimeContext().getMetricGroup().counter("decisionsEmitted");
    scoreErrors = getRuntimeContext().getMetricGroup().counter("decisionConditionErrors");
  }

  @Override
  public void processElement1(MembershipUpdate update, Context ctx, Collector<NextBestAction> out)
      throws Exception {
    if (actionAudiences.contains(update.getChange().getAudienceId()) && !update.getRefresh()) {
      pendingUpdates.add(update.getChange().getEventTime().toEpochMilli(), update,
          ctx.timerService());
    }
  }

  @Override
  public void processElement2(InteractionEvent event, Context ctx, Collector<NextBestAction> out)
      throws Exception {
    if (event.getTimestamp().toEpochMilli() <= ctx.timerService().currentWatermark()) {
      // The timeline puts it on the late-events output; here it would be applied out of order.
      return;
    }
    boolean sent = event.getType().equals(settings.sentEventType()) && !longestCap.isZero();
    boolean profile = event.getType().equals(EventCatalog.PROFILE_UPDATE_TYPE);
    boolean erased = event.getType().equals(EventCatalog.ERASURE_TYPE);
    if (sent || profile || erased) {
      pendingEvents.add(event.getTimestamp().toEpochMilli(), event, ctx.timerService());
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<NextBestAction> out)
      throws Exception {
    List<MembershipUpdate> updates = pendingUpdates.take(timestamp);
    List<InteractionEvent> events = pendingEvents.take(timestamp);
    DecisionState current = state.value();
    boolean capFreed = current != null && Objects.equals(current.getCapTimer(), timestamp);
    if (updates.isEmpty() && events.isEmpty() && !capFreed) {
      if (current != null && Objects.equals(current.getForgetAt(), timestamp)) {
        // Only a profile was left, untouched for the retention period: forget the customer.
        state.clear();
      }
      return;
    }
    if (current == null) {
      current = DecisionState.newBuilder().build();
    }
    Set<String> audiences = new TreeSet<>(current.getAudiences());
    for (MembershipUpdate update : updates) {
      if (update.getChange().getChange() == MembershipChange.ENTERED) {
        audiences.add(update.getChange().getAudienceId());
      } else {
        audiences.remove(update.getChange().getAudienceId());
      }
    }
    Map<String, Object> facts = current.getProfile();
    List<CountedSend> sends = new ArrayList<>(current.getSends());
    InteractionEvent lastEvent = null;
    for (InteractionEvent event : events) {
      lastEvent = event;
      if (event.getType().equals(EventCatalog.PROFILE_UPDATE_TYPE)) {
        facts = ProfileUpdates.apply(facts, event.getAttributes());
      } else if (event.getType().equals(EventCatalog.ERASURE_TYPE)) {
        // Memberships leave by the audience operator's erasure; what this operator holds goes
        // here, at the same instant.
        facts = Map.of();
        sends.clear();
      } else if (sends.stream().noneMatch(s -> s.getEventId().equals(event.getEventId()))) {
        sends.add(countedSend(event, timestamp));
      }
    }
    sends.removeIf(s -> s.getAtMillis() <= timestamp - longestCap.toMillis());
    Map<String, Object> profile = facts;

    Instant now = Instant.ofEpochMilli(timestamp);
    InteractionEvent conditionEvent = lastEvent != null ? lastEvent : placeholder(ctx, now);
    String customerId = ctx.getCurrentKey();
    List<SuppressionDefinition> holds = policies.stream()
        .filter(p -> p.whileAudiences().stream().anyMatch(audiences::contains)).toList();
    Decision decision = ranking.decide(audiences, holds,
        a -> rules.priorityOf(a, conditionEvent, profile, audiences, e -> scoreErrors.inc()),
        holdout.holdsOut(customerId, settings.holdoutPercent()),
        a -> a.holdoutPercentOptional().map(p -> new HoldoutGroup(settings.holdoutSalt() + ":"
            + a.id()).holdsOut(customerId, p)).orElse(false),
        sends.stream().map(s -> new Send(s.getActionId(), s.getChannel(), s.getCategory(),
            Instant.ofEpochMilli(s.getAtMillis()))).toList(), now);

    String answer = isEmpty(decision) ? null : decision.toString();
    if (!Objects.equals(answer, current.getLastAnswer())) {
      boolean anythingToSend = decision.channels().values().stream()
          .anyMatch(c -> c.actionId() != null);
      Instant sendAfter = quietHours == null || !anythingToSend ? null
          : quietHours.sendAfter(now, quietHours.zoneOf(profile.get("timezone")));
      out.collect(NextBestActions.of(customerId, now, decision, answer, sendAfter));
      decided.inc();
    }

    Long capTimer = decision.channels().values().stream()
        .flatMap(c -> c.blocked().stream())
        .map(Decision.Blocked::freesAt).filter(Objects::nonNull)
        .map(Instant::toEpochMilli).min(Long::compare).orElse(null);
    if (!sends.isEmpty()) {
      // The oldest send leaving the longest window also wakes the customer, so that sends are
      // dropped, and the state with them, without waiting for the customer's next event.
      long oldestLeaves = sends.get(0).getAtMillis() + longestCap.toMillis();
      capTimer = capTimer == null ? oldestLeaves : Math.min(capTimer, oldestLeaves);
    }
    // A cap timer no longer wanted is left to fire and find nothing: deleting it could delete the
    // buffer's timer for records waiting at the same instant.
    if (capTimer != null && !capTimer.equals(current.getCapTimer())) {
      ctx.timerService().registerEventTimeTimer(capTimer);
    }
    audiences.retainAll(actionAudiences);
    if (audiences.isEmpty() && sends.isEmpty() && capTimer == null && answer == null
        && (profile.isEmpty() || !profileMatters)) {
      // Nothing to decide on and nothing to remember: a customer without actions holds nothing.
      state.clear();
      return;
    }
    Long forgetAt = null;
    if (audiences.isEmpty() && sends.isEmpty() && capTimer == null) {
      forgetAt = timestamp + ProfileUpdates.RETENTION.toMillis();
      if (!forgetAt.equals(current.getForgetAt())) {
        ctx.timerService().registerEventTimeTimer(forgetAt);
      }
    }
    state.update(new DecisionState(List.copyOf(audiences), sends, profile, answer, capTimer,
        forgetAt));
  }

  /** Nothing to take and nothing blocked on any channel: the answer of a customer not yet seen. */
  private static boolean isEmpty(Decision decision) {
    return decision.channels().values().stream()
        .allMatch(c -> c.actionId() == null && c.blocked().isEmpty());
  }

  /**
   * A send counts under the channel and category the event names, which is what was sent; when
   * it names only a known action, under that action's channel and category.
   */
  private CountedSend countedSend(InteractionEvent event, long timestamp) {
    String actionId = text(event, "actionId");
    ActionDefinition action = actionsById.get(actionId);
    String channel = text(event, "channel");
    String category = text(event, "category");
    return new CountedSend(event.getEventId(), actionId,
        channel.isEmpty() && action != null ? action.channel() : channel,
        category.isEmpty() && action != null ? action.category() : category, timestamp);
  }

  private static String text(InteractionEvent event, String attribute) {
    Object value = event.getAttributes().get(attribute);
    return value == null ? "" : value.toString();
  }

  /** Conditions are over the profile; CEL's activation still wants an event to bind. */
  private static InteractionEvent placeholder(OnTimerContext ctx, Instant now) {
    return InteractionEvent.newBuilder()
        .setEventId("decision")
        .setCustomerId(ctx.getCurrentKey())
        .setTimestamp(now)
        .setType("decision")
        .setChannel(io.journeyorchestrator.avro.Channel.OTHER)
        .setAttributes(new HashMap<>())
        .build();
  }
}
