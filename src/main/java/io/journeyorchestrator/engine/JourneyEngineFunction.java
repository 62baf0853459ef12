package io.journeyorchestrator.engine;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.EnginePartialMatch;
import io.journeyorchestrator.internal.avro.EnginePatternState;
import io.journeyorchestrator.internal.avro.EngineState;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.ErasureRequests;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.LateEvents;
import io.journeyorchestrator.matching.CompiledPattern;
import io.journeyorchestrator.matching.MatchBuilder;
import io.journeyorchestrator.timeline.ActiveCustomers;
import io.journeyorchestrator.timeline.CustomerTimeline;
import io.journeyorchestrator.timeline.TimelineState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;

/**
 * Runs every pattern of the job for one customer in one keyed operator, fused with the customer
 * timeline: the journey engine. Events arrive, wait in the {@link CustomerTimeline} until the
 * watermark passes them, and when it does, all of them are released in (time, event id) order and
 * applied one by one, as Flink CEP applies them when its timers fire ({@link JourneyMatcher}
 * decides what CEP would); then deadlines up to the watermark (a partial match's {@code within},
 * an absent last step) are applied, as CEP's timeouts would be after the events of the same
 * watermark.
 *
 * <p>The timelines of recently active customers, with the engine's state in them, stay on the
 * heap between checkpoints ({@link ActiveCustomers}, at most {@code activeCustomers} per subtask):
 * a new watermark releases their waiting events without timers ({@link JourneyEngineOperator}
 * calls {@link #releaseWaiting}), and they are written back to keyed state before each
 * checkpoint barrier, when evicted, and at a watermark once unchanged for a while ({@link
 * JourneyEngineOperator}). A customer not on the heap is read once when an event
 * arrives; a timer of a customer not on the heap releases its timeline in keyed state. Per
 * release, each distinct condition that an event's type can satisfy is evaluated once ({@link
 * StepConditionIndex}) and each pattern with a holding step or a partial match runs its matcher.
 * Timers: one at the earliest deadline of any pattern, and those a write-back sets (at the
 * earliest waiting event, or when released ids leave the dedup window). No event is stored once
 * released, except the last present event of a partial match of a pattern whose last step is
 * absent (its match is reported with it, at the deadline), and, without its profile, an event a
 * partial match took for a step that a later step's condition reads ({@code steps.<name>}),
 * kept while a partial match holds it. Such a condition is judged per partial match ({@link
 * PartialMatchConditions}), not once per event.
 *
 * <p>Engine state, one {@link EngineState} per customer: per pattern, under its state key (id and
 * fingerprint, as the Flink CEP operator uids have it), its partial matches. A pattern whose
 * definition changed or that was removed has another key: its entry is dropped the next time the
 * customer is seen, and counted ({@code engine_droppedPatternStates}). Kept only while some
 * pattern remembers something. Late events go to the {@link JobState#LATE_EVENTS} output;
 * erasure requests go out with the matches ({@link ErasureRequests}), in the timeline's order.
 * Run it in a {@link JourneyEngineOperator}.
 */
public final class JourneyEngineFunction
    extends KeyedProcessFunction<String, InteractionEvent, DetectedMatch>
    implements EarlierStateOperator.Owner {
  private static final long NO_DEADLINE = Long.MAX_VALUE;
  /**
   * The accumulator of what the traced customer's partial matches did, one entry per line as
   * {@code <epoch millis> TAB <pattern id> TAB <text>}: one customer's, so it stays small.
   */
  public static final String ENGINE_NOTES = "engineNotes";

  private final CustomerTimeline timeline;
  private final int activeCustomers;
  private final List<CompiledPattern> patterns;
  private final List<JourneyMatcher> matchers;
  private final List<String> stateKeys;
  /** The index of each pattern by its state key; a key not in it belongs to an old pattern. */
  private final Map<String, Integer> patternsByStateKey;
  private final StepConditionIndex conditions;
  /** Per pattern, the steps judged per partial match ({@code steps.<name>}); 0 for most. */
  private final long[] judgedPerPartialMatch;
  /** Per pattern, the steps whose events a later step's condition reads: kept while held. */
  private final long[] readByLaterSteps;
  /**
   * Per pattern, the event types it sees, as Flink CEP's route filter has them (null: all): an
   * event of another type is not an event of that pattern at all, not even one that changes
   * nothing, which keeps the automaton's bookkeeping identical to CEP's.
   */
  private final Set<String>[] routes;
  /** The customer whose partial matches explain.sh follows ({@link #ENGINE_NOTES}); or null. */
  private final String tracedCustomer;
  private final List<PartialMatchTrace> traces;
  /** Whether to record the step funnels of replay's report ({@link StepFunnels#NAME}). */
  private final boolean stepFunnels;
  private transient ListAccumulator<String> notes;
  private transient StepFunnels funnels;
  private transient List<StepFunnels.Recorder> funnelRecorders;
  private transient long[] stepsHolding;
  private transient Counter[] matchCounters;
  private transient Counter[][] conditionErrors;
  private transient Counter droppedPartialMatches;
  private transient Counter droppedPatternStates;
  private transient ErrorTally conditionErrorExamples;
  private transient ActiveCustomers.KeySwitch keys;
  private transient ActiveCustomers active;

  /**
   * @param maxPartialMatches the most partial matches a customer may hold per pattern
   * @param activeCustomers the most customers kept on the heap between checkpoints, per subtask
   */
  public JourneyEngineFunction(CustomerTimeline timeline, List<CompiledPattern> patterns,
      int maxPartialMatches, int activeCustomers) {
    this(timeline, patterns, maxPartialMatches, activeCustomers, null);
  }

  /**
   * @param tracedCustomer the customer whose partial matches to describe in the {@link
   *     #ENGINE_NOTES} accumulator (explain.sh), or null
   */
  public JourneyEngineFunction(CustomerTimeline timeline, List<CompiledPattern> patterns,
      int maxPartialMatches, int activeCustomers, String tracedCustomer) {
    this(timeline, patterns, maxPartialMatches, activeCustomers, tracedCustomer, false);
  }

  /** @param stepFunnels whether to record every customer's step funnels (replay's report) */
  public JourneyEngineFunction(CustomerTimeline timeline, List<CompiledPattern> patterns,
      int maxPartialMatches, int activeCustomers, String tracedCustomer, boolean stepFunnels) {
    this.tracedCustomer = tracedCustomer;
    this.stepFunnels = stepFunnels;
    this.traces = patterns.stream().map(p -> new PartialMatchTrace(p.definition())).toList();
    this.timeline = timeline;
    this.activeCustomers = activeCustomers;
    this.patterns = List.copyOf(patterns);
    this.matchers = patterns.stream()
        .map(p -> new JourneyMatcher(p.definition(), maxPartialMatches, p.stepsReadingSteps()))
        .toList();
    this.judgedPerPartialMatch =
        patterns.stream().mapToLong(CompiledPattern::stepsReadingSteps).toArray();
    this.readByLaterSteps =
        patterns.stream().mapToLong(CompiledPattern::stepsReadByOthers).toArray();
    this.stateKeys = patterns.stream().map(CompiledPattern::operatorUid).toList();
    this.patternsByStateKey = new HashMap<>();
    for (int p = 0; p < stateKeys.size(); p++) {
      patternsByStateKey.put(stateKeys.get(p), p);
    }
    this.conditions = new StepConditionIndex(patterns);
    this.routes = routesOf(patterns);
  }

  @SuppressWarnings("unchecked")
  private static Set<String>[] routesOf(List<CompiledPattern> patterns) {
    Set<String>[] routes = new Set[patterns.size()];
    for (int p = 0; p < patterns.size(); p++) {
      routes[p] = patterns.get(p).routedEventTypes().orElse(null);
    }
    return routes;
  }

  @Override
  public void open(OpenContext openContext) {
    if (keys == null) {
      throw new IllegalStateException("the journey engine runs in a JourneyEngineOperator");
    }
    timeline.open(getRuntimeContext());
    if (tracedCustomer != null) {
      notes = new ListAccumulator<>();
      getRuntimeContext().addAccumulator(ENGINE_NOTES, notes);
    }
    if (stepFunnels) {
      funnels = new StepFunnels();
      getRuntimeContext().addAccumulator(StepFunnels.NAME, funnels);
      funnelRecorders = patterns.stream()
          .map(p -> new StepFunnels.Recorder(p.definition())).toList();
    }
    active = timeline.activeCustomers(activeCustomers, keys,
        getRuntimeContext().getMetricGroup().addGroup("engine"));
    stepsHolding = new long[patterns.size()];
    matchCounters = new Counter[patterns.size()];
    conditionErrors = new Counter[patterns.size()][];
    for (int p = 0; p < patterns.size(); p++) {
      PatternDefinition definition = patterns.get(p).definition();
      MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("pattern", definition.id());
      matchCounters[p] = group.counter("matches");
      conditionErrors[p] = new Counter[definition.steps().size()];
      for (int s = 0; s < definition.steps().size(); s++) {
        conditionErrors[p][s] = group.addGroup("step", definition.steps().get(s).name())
            .counter("conditionErrors");
      }
    }
    MetricGroup engine = getRuntimeContext().getMetricGroup().addGroup("engine");
    droppedPartialMatches = engine.counter("droppedPartialMatches");
    droppedPatternStates = engine.counter("droppedPatternStates");
    conditionErrorExamples =
        RunDiagnostics.tally(getRuntimeContext(), RunDiagnostics.CONDITION_ERRORS);
  }

  @Override
  public void processElement(InteractionEvent event, Context ctx, Collector<DetectedMatch> out)
      throws Exception {
    TimerService timers = ctx.timerService();
    active.now(timers.currentProcessingTime());
    if (!timeline.arrive(active.of(ctx.getCurrentKey(), timers), event, timers)) {
      ctx.output(JobState.LATE_EVENTS, LateEvents.behindWatermark(event, timers.currentWatermark()));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DetectedMatch> out)
      throws Exception {
    TimerService timers = ctx.timerService();
    active.now(timers.currentProcessingTime());
    release(active.ofTimer(ctx.getCurrentKey(), timeline.keyedState()), timestamp,
        timers.currentWatermark(), timers, out);
  }

  /**
   * Releases the customers on the heap whose waiting events a new watermark passed, as their
   * timers would have; called before the timers of that watermark fire.
   */
  void releaseWaiting(long watermark, long processingTime, TimerService timers,
      TimestampedCollector<DetectedMatch> out) throws Exception {
    active.now(processingTime);
    for (TimelineState state : active.waitingUpTo(watermark)) {
      keys.select(ActiveCustomers.customerOf(state));
      long firing = ActiveCustomers.earliestWaiting(state);
      out.setAbsoluteTimestamp(firing);
      release(state, firing, watermark, timers, out);
    }
  }

  /** Writes back the customers on the heap unchanged since then (processing time). */
  void writeBackUnchangedSince(long processingTime, TimerService timers) throws Exception {
    active.writeBackUnchangedSince(processingTime, timers);
  }

  /** Writes the customers on the heap back to keyed state, before a checkpoint. */
  void writeBack(TimerService timers) throws Exception {
    active.writeBack(timers);
  }

  /** Makes the function run in an operator that can switch its key. */
  void runIn(ActiveCustomers.KeySwitch keys) {
    this.keys = keys;
  }

  private void release(TimelineState state, long firing, long watermark, TimerService timers,
      Collector<DetectedMatch> out) throws Exception {
    CustomerTimeline.Release release = timeline.release(state, firing, watermark, watermark);
    Customer customer = new Customer(release.engineState());
    if (tracedCustomer != null || funnels != null) {
      customer.id = ActiveCustomers.customerOf(state);
      customer.traced = tracedCustomer != null && tracedCustomer.equals(customer.id);
    }
    release.forEachDue((event, erasure) -> {
      if (erasure) {
        out.collect(ErasureRequests.of(event.getEvent()));
      }
      apply(event, customer, out);
    });
    advanceTo(watermark, customer, out);
    EngineState stored = customer.store(timers);
    release.store(stored, stored != null && stored.getDeadline() != NO_DEADLINE, timers);
  }

  @Override
  public List<String> earlierStateNames() {
    return timeline.earlierStateNames();
  }

  @Override
  public void moveEarlierState() throws Exception {
    timeline.moveEarlierState();
  }

  private void apply(JourneyEvent event, Customer customer, Collector<DetectedMatch> out) {
    boolean anyHolds = conditions.evaluate(event.getEvent(), event.getProfile(), stepsHolding,
        (p, s, e) -> conditionFailed(p, s, event, e, customer.traced));
    if (!anyHolds && customer.isEmpty()) {
      return;
    }
    long timestamp = event.getEvent().getTimestamp().toEpochMilli();
    String eventId = event.getEvent().getEventId();
    String type = event.getEvent().getType();
    for (int p = 0; p < matchers.size(); p++) {
      JourneyMatcher matcher = matchers.get(p);
      if (routes[p] != null && !routes[p].contains(type)) {
        continue;
      }
      if (stepsHolding[p] == 0 && !customer.remembers(p)) {
        continue;
      }
      PatternState before = customer.pattern(p);
      Emitter emitter = new Emitter(p, customer, event, out);
      PatternState after = matcher.advanceTime(before, timestamp, emitter);
      trace(customer, p, before, after, null, timestamp, emitter);
      PatternState timed = after;
      int pattern = p;
      PartialMatchConditions judge = judgedPerPartialMatch[p] == 0 ? null
          : (step, taken) -> customer.judge(pattern, step, taken, event);
      after = matcher.onEvent(after, eventId, timestamp, stepsHolding[p], judge, emitter);
      trace(customer, p, timed, after, eventId, timestamp, emitter);
      customer.update(p, before, after, event);
    }
  }

  /** A step's condition failed on an event: counted as false, and as an error of that step. */
  private void conditionFailed(int p, int s, JourneyEvent event, ConditionEvaluationException e,
      boolean traced) {
    conditionErrors[p][s].inc();
    if (traced) {
      notes.add(event.getEvent().getTimestamp().toEpochMilli() + "\t"
          + patterns.get(p).definition().id() + "\tstep "
          + patterns.get(p).definition().steps().get(s).name() + ": condition failed on "
          + event.getEvent().getEventId() + " (counted as false): " + e.reason());
    }
    if (conditionErrorExamples != null) {
      conditionErrorExamples.add(new ErrorTally.Sample(
          RunDiagnostics.stepKey(patterns.get(p).id(),
              patterns.get(p).definition().steps().get(s).name()),
          event.getEvent().getTimestamp().toEpochMilli(), event.getEvent().getEventId(),
          e.reason()));
    }
  }

  /**
   * Applies the deadlines up to now: timeouts, and matches completed by an absent last step;
   * also those of partial matches that events of this release started (the watermark can be far
   * past them), as their own timers would have fired after the events of the same watermark.
   */
  private void advanceTo(long now, Customer customer, Collector<DetectedMatch> out) {
    if (customer.isEmpty()) {
      return;
    }
    if (customer.registeredDeadline <= now) {
      customer.timerFired();
    }
    for (int p = customer.nextRemembered(0); p >= 0; p = customer.nextRemembered(p + 1)) {
      PatternState before = customer.pattern(p);
      if (matchers.get(p).nextDeadline(before) > now) {
        continue;
      }
      Emitter emitter = new Emitter(p, customer, null, out);
      PatternState after = matchers.get(p).advanceTime(before, now, emitter);
      trace(customer, p, before, after, null, now, emitter);
      customer.update(p, before, after, null);
    }
  }

  private void trace(Customer customer, int pattern, PatternState before, PatternState after,
      String eventId, long time, Emitter emitter) {
    if (funnels != null && before != after) {
      for (PatternState.Run run : after.partial) {
        funnelRecorders.get(pattern).partialMatch(customer.id, run.events, funnels);
      }
    }
    if (customer.traced && before != after) {
      for (PartialMatchTrace.Line line : traces.get(pattern).describe(before, after, eventId,
          time, emitter.matchedEventIds)) {
        notes.add(line.time() + "\t" + patterns.get(pattern).definition().id() + "\t"
            + line.text());
      }
    }
  }

  /** One customer's engine state while a release is applied; stored with the timeline once. */
  private final class Customer {
    /** Whether this is the customer explain.sh follows. */
    private boolean traced;
    /** The customer's id, when tracing or recording funnels; otherwise null. */
    private String id;
    private final EngineState stored;
    private final Map<String, EnginePatternState> records;
    private final Map<String, JourneyEvent> anchors;
    private final Map<String, InteractionEvent> stepEvents;
    private final PatternState[] states = new PatternState[matchers.size()];
    /** The patterns with an entry in {@link #records}, by index: a loop over the few, in order. */
    private final BitSet remembered = new BitSet(matchers.size());
    private final long registeredDeadline;
    private boolean changed;

    Customer(EngineState stored) {
      this.stored = stored;
      if (stored == null) {
        records = new HashMap<>();
        anchors = new HashMap<>();
        stepEvents = new HashMap<>();
        registeredDeadline = NO_DEADLINE;
        return;
      }
      records = new HashMap<>(stored.getPatterns());
      anchors = new HashMap<>(stored.getAnchors());
      stepEvents = new HashMap<>(stored.getStepEvents());
      registeredDeadline = stored.getDeadline();
      if (records.keySet().retainAll(patternsByStateKey.keySet())) {
        droppedPatternStates.inc();
        changed = true;
      }
      for (String stateKey : records.keySet()) {
        remembered.set(patternsByStateKey.get(stateKey));
      }
    }

    boolean isEmpty() {
      return records.isEmpty();
    }

    /** Whether pattern p has partial matches (or matches waiting for their deadline). */
    boolean remembers(int p) {
      return remembered.get(p);
    }

    /** The first pattern from p on that {@link #remembers}, or -1. */
    int nextRemembered(int p) {
      return remembered.nextSetBit(p);
    }

    PatternState pattern(int p) {
      if (states[p] == null) {
        EnginePatternState record = records.get(stateKeys.get(p));
        states[p] = record == null
            ? matchers.get(p).initialState()
            : matchers.get(p).fromRecord(record);
      }
      return states[p];
    }

    JourneyEvent anchor(String eventId) {
      return anchors.get(eventId);
    }

    void timerFired() {
      changed = true;
    }

    void update(int p, PatternState before, PatternState after, JourneyEvent current) {
      if (after == before) {
        return;
      }
      states[p] = after;
      changed = true;
      if (matchers.get(p).isEmpty(after)) {
        records.remove(stateKeys.get(p));
        remembered.clear(p);
      } else {
        EnginePatternState record = after.toRecord();
        records.put(stateKeys.get(p), record);
        remembered.set(p);
        if (current != null && mayEndLater(p, record) && lastEventIds(record,
            endsWithAbsence(p)).contains(current.getEvent().getEventId())) {
          anchors.put(current.getEvent().getEventId(), current);
        }
        if (current != null && readByLaterSteps[p] != 0) {
          keepIfRead(p, after, current.getEvent());
        }
      }
    }

    /** Keeps the event if a partial match took it for a step that a later step reads. */
    private void keepIfRead(int p, PatternState state, InteractionEvent event) {
      for (PatternState.Run run : state.partial) {
        if (run.events.length > 0) {
          Taken last = run.events[run.events.length - 1];
          if ((readByLaterSteps[p] & (1L << last.step)) != 0
              && last.eventId.equals(event.getEventId())) {
            stepEvents.put(event.getEventId(), event);
            return;
          }
        }
      }
    }

    /** Judges step {@code step} of pattern {@code p} for one partial match and the event. */
    boolean judge(int p, int step, Taken[] taken, JourneyEvent event) {
      Condition condition = patterns.get(p).condition(step);
      List<StepDefinition> steps = patterns.get(p).definition().steps();
      Map<String, List<InteractionEvent>> earlier = new HashMap<>();
      for (String named : condition.stepsNamed()) {
        List<InteractionEvent> events = new ArrayList<>(1);
        for (Taken t : taken) {
          if (steps.get(t.step).name().equals(named)) {
            InteractionEvent kept = stepEvents.get(t.eventId);
            if (kept == null) {
              throw new IllegalStateException("pattern " + patterns.get(p).id()
                  + ": no stored event " + t.eventId + " of step " + named);
            }
            events.add(kept);
          }
        }
        if (events.isEmpty()) {
          // Not taken by this partial match yet, as when a step's first event is being taken.
          return false;
        }
        earlier.put(named, events);
      }
      try {
        return condition.evaluate(event.getEvent(), event.getProfile(), earlier);
      } catch (ConditionEvaluationException e) {
        conditionFailed(p, step, event, e, traced);
        return false;
      }
    }

    /**
     * Moves the deadline timer if the earliest deadline moved.
     *
     * @return the state to keep (null: nothing to remember), the stored object if unchanged
     */
    EngineState store(TimerService timers) {
      if (!changed) {
        return stored;
      }
      Set<String> anchored = new HashSet<>();
      long deadline = NO_DEADLINE;
      for (int p = nextRemembered(0); p >= 0; p = nextRemembered(p + 1)) {
        EnginePatternState record = records.get(stateKeys.get(p));
        deadline = Math.min(deadline, matchers.get(p).nextDeadline(pattern(p)));
        if (mayEndLater(p, record)) {
          anchored.addAll(lastEventIds(record, endsWithAbsence(p)));
        }
      }
      anchors.keySet().retainAll(anchored);
      retainReadStepEvents();
      if (deadline != registeredDeadline) {
        if (registeredDeadline != NO_DEADLINE) {
          timers.deleteEventTimeTimer(registeredDeadline);
        }
        if (deadline != NO_DEADLINE) {
          timers.registerEventTimeTimer(deadline);
        }
      }
      return records.isEmpty() ? null
          : new EngineState(records, anchors, deadline, stepEvents);
    }

    /** Drops the kept step events no partial match holds any more for a step read later. */
    private void retainReadStepEvents() {
      if (stepEvents.isEmpty()) {
        return;
      }
      Set<String> held = new HashSet<>();
      for (int p = nextRemembered(0); p >= 0; p = nextRemembered(p + 1)) {
        if (readByLaterSteps[p] == 0) {
          continue;
        }
        for (PatternState.Run run : pattern(p).partial) {
          for (Taken t : run.events) {
            if ((readByLaterSteps[p] & (1L << t.step)) != 0) {
              held.add(t.eventId);
            }
          }
        }
      }
      stepEvents.keySet().retainAll(held);
    }
  }

  private boolean endsWithAbsence(int p) {
    return patterns.get(p).definition().endsWithAbsence();
  }

  /**
   * Whether a match of pattern p may come out after the event it ends with: completed by the
   * deadline of a last absent step, or completed and held back for skip-past-last-event behind
   * an earlier partial match (one that a cross-step condition or a step window let live).
   */
  private boolean mayEndLater(int p, EnginePatternState record) {
    return endsWithAbsence(p) || !record.getCompletedMatches().isEmpty();
  }

  /**
   * The last event of each completed match held back and, for a pattern whose last step is
   * absent, of each partial match: where a match emitted after its last event ends.
   */
  private static Set<String> lastEventIds(EnginePatternState record, boolean partialsToo) {
    Set<String> ids = new HashSet<>();
    for (EnginePartialMatch partial : partialsToo ? record.getPartialMatches()
        : List.<EnginePartialMatch>of()) {
      if (!partial.getEvents().isEmpty()) {
        ids.add(partial.getEvents().get(partial.getEvents().size() - 1).getEventId());
      }
    }
    for (EnginePartialMatch completed : record.getCompletedMatches()) {
      if (!completed.getEvents().isEmpty()) {
        ids.add(completed.getEvents().get(completed.getEvents().size() - 1).getEventId());
      }
    }
    return ids;
  }

  /** Turns the matcher's matches into the job's match records, with their last present event. */
  private final class Emitter implements MatchOutput {
    private final int pattern;
    private final Customer customer;
    private final JourneyEvent current;
    private final Collector<DetectedMatch> out;
    /** The events of the matches emitted, for the trace (which leaves them to the match). */
    private Set<String> matchedEventIds = Set.of();

    Emitter(int pattern, Customer customer, JourneyEvent current, Collector<DetectedMatch> out) {
      this.pattern = pattern;
      this.customer = customer;
      this.current = current;
      this.out = out;
    }

    @Override
    public void match(Match match) {
      PatternDefinition definition = patterns.get(pattern).definition();
      List<String> eventIds = new ArrayList<>();
      for (StepDefinition step : definition.steps()) {
        if (!step.absent()) {
          match.step(step.name()).forEach(ref -> eventIds.add(ref.eventId()));
        }
      }
      if (funnels != null) {
        funnelRecorders.get(pattern).match(customer.id, match.taken(), match.endTime(),
            funnels);
      }
      if (customer.traced) {
        matchedEventIds = new HashSet<>(matchedEventIds);
        match.events().forEach(ref -> matchedEventIds.add(ref.eventId()));
      }
      // The last taken, which is the last in step order unless an anyOrder group ends it.
      String lastId = match.taken()[match.taken().length - 1].eventId;
      JourneyEvent last = current != null && current.getEvent().getEventId().equals(lastId)
          ? current
          : customer.anchor(lastId);
      if (last == null) {
        throw new IllegalStateException("pattern " + definition.id() + ": no stored event "
            + lastId + " for a match completed by its deadline");
      }
      matchCounters[pattern].inc();
      out.collect(MatchBuilder.build(definition.id(), last.getEvent().getCustomerId(), eventIds,
          Instant.ofEpochMilli(match.startTime()),
          definition.endsWithAbsence() ? definition.within() : null, last));
    }

    @Override
    public void dropped(int count) {
      droppedPartialMatches.inc(count);
    }
  }
}
