package io.journeyorchestrator.engine;

import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionCompiler;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.engine.NfaGraph.Node;
import io.journeyorchestrator.engine.NfaGraph.Type;
import io.journeyorchestrator.engine.PatternState.Run;
import io.journeyorchestrator.internal.avro.EnginePatternState;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Decides, for one customer and one pattern, exactly what Flink CEP 2.2.1 decides for the Pattern
 * that {@code CepPatternBuilder} builds of the same definition, without Flink: the same matches,
 * with the same events per step, in the same order. Pure and deterministic: the caller holds the
 * {@link PatternState} (one immutable value per customer and pattern) and passes it in.
 *
 * <p>How it stays equal to CEP: it runs the automaton {@code NFACompiler} builds ({@link NfaGraph})
 * with the algorithm of {@code NFA.process} / {@code NFA.advanceTime}, down to the order in which
 * computation states are created and CEP's {@link PriorityQueue} layout of them (ties between
 * partial matches that started with the same event are broken by that layout). The one
 * difference: CEP keeps events in a shared buffer and finds a match's events by Dewey versions;
 * here each partial match carries the ids and timestamps of the events it took. The two agree
 * whenever CEP's versions lead back along the path the partial match took, which held in every
 * case of {@code JourneyMatcherDifferentialTest} (its class comment says how far it searched).
 *
 * <p>A match refers to its events by id. For a last absent step (and a strict one, which CEP
 * completes on the next event) the last present event is not the event being processed, so a
 * caller that needs it (audiences' {@code enterWhen} reads its profile) must keep it itself.
 *
 * <p>The caller drives it as {@code CepOperator} drives the NFA: per customer, for each timestamp
 * in order, {@link #advanceTime} to that timestamp, then {@link #onEvent} for each event at it (in
 * the order the pattern should see them: by event id in this job); and {@link #advanceTime} to
 * the watermark at {@link #nextDeadline} or later. Extra {@code advanceTime} calls change nothing.
 * Timestamps must not go back. Feed it exactly the events CEP sees today, those of the types the
 * pattern is routed ({@code CompiledPattern.routedEventTypes()}), also when no step holds for one:
 * such an event still changes CEP's partial matches (an optional repetition of {@code times N..M}
 * moves to its ignore state), so leaving it out, or adding events of other types, can change
 * matches. It returns the same state instance when nothing changed, so the caller can skip the
 * state write.
 *
 * <p>Bounds. A partial match never outlives {@code within}: at {@code start + within} it times out
 * or, for a last absent step, completes ({@link #nextDeadline}). A single step taken once keeps no
 * partial match. Every pattern holds at most {@code maxPartialMatches} partial matches per
 * customer: after an event that leaves more, the oldest (by first event) are dropped and counted
 * ({@link MatchOutput#dropped}); from then on that customer's matches of this pattern may differ
 * from CEP's, which has no limit. {@code contiguity: any} and {@code afterMatch: no-skip} are the
 * ones that need it (their partial matches grow with every combination), but a busy customer can
 * reach it on any pattern (each first-step event starts one).
 *
 * <p>Cost per event and pattern: no state access (the caller reads the customer's state once and
 * writes it only when the returned instance differs), no timers (the caller keeps one at the
 * customer's earliest {@link #nextDeadline}), no condition evaluation (the caller evaluates each
 * distinct condition once per event and passes the bits). The matcher makes one pass over the
 * customer's partial matches of the pattern, following the transitions whose conditions hold.
 * An event the start state does not take, for a customer with no partial match, returns at once
 * without allocating; otherwise it allocates the next priority queue of partial matches and the
 * new state, a run per surviving partial match, and one copy of the event list per partial match
 * that takes the event. {@link #advanceTime} before {@link #nextDeadline} returns at once. Measured
 * on the 2-core development machine (shared with other builds): 0.3 to 1 microsecond per event and
 * pattern for 10,000 customers holding one to three partial matches each.
 */
public final class JourneyMatcher implements Serializable {
  private static final Comparator<Run> QUEUE_ORDER = Run::compare;
  private static final Run[] NO_RUNS = new Run[0];

  private final String patternId;
  private final List<String> stepNames;
  private final NfaGraph graph;
  private final boolean skipPastLastEvent;
  private final boolean endsWithAbsence;
  private final long window;
  private final StepWindows windows;
  private final int maxPartialMatches;
  /** Steps whose condition some transition reachable from the start state reads. */
  private final long startMask;
  /**
   * Steps whose condition reads earlier steps' events: the caller's bit for such a step only says
   * the event could satisfy it, and each partial match judges it ({@link PartialMatchConditions}).
   */
  private final long judgedPerPartialMatch;
  private transient PatternState empty;

  /**
   * @param maxPartialMatches the most partial matches one customer may hold for this pattern
   */
  public JourneyMatcher(PatternDefinition definition, int maxPartialMatches) {
    this(definition, maxPartialMatches, stepsReadingSteps(definition));
  }

  /**
   * @param judgedPerPartialMatch bit {@code s} set when step {@code s}'s condition reads earlier
   *     steps' events ({@code steps.<name>})
   */
  public JourneyMatcher(PatternDefinition definition, int maxPartialMatches,
      long judgedPerPartialMatch) {
    if (maxPartialMatches < 1) {
      throw new IllegalArgumentException("maxPartialMatches must be at least 1");
    }
    this.patternId = definition.id();
    this.stepNames = definition.steps().stream().map(StepDefinition::name).toList();
    this.graph = NfaGraph.compile(definition);
    this.skipPastLastEvent =
        definition.afterMatch() == PatternDefinition.AfterMatch.SKIP_PAST_LAST_EVENT;
    this.endsWithAbsence = definition.endsWithAbsence();
    this.window = graph.window;
    this.windows = new StepWindows(definition, graph);
    this.maxPartialMatches = maxPartialMatches;
    this.startMask = conditionMask(graph, graph.start);
    this.judgedPerPartialMatch = judgedPerPartialMatch;
  }

  private static long stepsReadingSteps(PatternDefinition definition) {
    long mask = 0;
    for (int s = 0; s < definition.steps().size(); s++) {
      if (ConditionCompiler.compile(definition.steps().get(s).when()).condition()
          .map(Condition::readsSteps).orElse(false)) {
        mask |= 1L << s;
      }
    }
    return mask;
  }

  public String patternId() {
    return patternId;
  }

  /** The state of a customer this pattern knows nothing about. */
  public PatternState initialState() {
    if (empty == null) {
      empty = emptyState();
    }
    return empty;
  }

  private PatternState emptyState() {
    return new PatternState(new Run[] {new Run(graph.start, Run.NONE)}, NO_RUNS,
        Long.MIN_VALUE, 0, windows);
  }

  /** Nothing to remember: the state may be cleared (it equals {@link #initialState()}). */
  public boolean isEmpty(PatternState state) {
    return state.partial.length == 1 && state.completed.length == 0;
  }

  /**
   * The earliest time at which {@link #advanceTime} would change the state (a timeout, or the
   * completion of a last absent step), {@code Long.MAX_VALUE} when none.
   */
  public long nextDeadline(PatternState state) {
    return state.nextDeadline;
  }

  public PatternState fromRecord(EnginePatternState record) {
    return PatternState.fromRecord(record, windows);
  }

  /**
   * One event of the customer, as {@code NFA.process}.
   *
   * @param stepsHolding bit {@code i} set when step {@code i}'s {@code when} holds for the event
   */
  public PatternState onEvent(PatternState state, String eventId, long timestamp,
      long stepsHolding, MatchOutput out) {
    return onEvent(state, eventId, timestamp, stepsHolding, null, out);
  }

  /**
   * As {@link #onEvent(PatternState, String, long, long, MatchOutput)}, for a pattern with steps
   * judged per partial match: their bits in {@code stepsHolding} say the event could satisfy them
   * (its type fits), and {@code conditions} decides for each partial match.
   */
  public PatternState onEvent(PatternState state, String eventId, long timestamp,
      long stepsHolding, PartialMatchConditions conditions, MatchOutput out) {
    if ((stepsHolding & startMask) == 0 && isEmpty(state)) {
      return state;
    }
    EventTaker taker = new EventTaker(state, eventId, timestamp, stepsHolding, conditions);
    PriorityQueue<Run> partial = new PriorityQueue<>(state.partial.length + 2, QUEUE_ORDER);
    PriorityQueue<Run> potential = null;
    List<Run> next = new ArrayList<>(4);
    List<Run> retained = new ArrayList<>(4);
    for (Run run : state.partial) {
      next.clear();
      computeNextStates(run, taker, next);
      retained.clear();
      boolean discard = false;
      for (Run nextRun : next) {
        Type type = graph.nodes[nextRun.state].type;
        if (type == Type.FINAL) {
          if (potential == null) {
            potential = new PriorityQueue<>(QUEUE_ORDER);
          }
          potential.add(nextRun);
        } else if (type == Type.STOP) {
          discard = true;
        } else {
          retained.add(nextRun);
        }
      }
      if (!discard) {
        partial.addAll(retained);
      }
    }
    int dropped = 0;
    while (partial.size() - 1 > maxPartialMatches) {
      partial.poll();
      dropped++;
    }
    if (dropped > 0) {
      out.dropped(dropped);
    }
    if (potential == null && state.completed.length == 0) {
      if (!taker.tookAny() && sameRuns(partial, state.partial)) {
        return state;
      }
      return stateOf(partial, null, taker.lastTakenTimestamp, taker.takenAtLastTimestamp);
    }
    PriorityQueue<Run> completed = queueOf(state.completed);
    emitMatches(potential, partial, completed, out);
    return stateOf(partial, completed, taker.lastTakenTimestamp, taker.takenAtLastTimestamp);
  }

  /** The event only moved partial matches along ignore edges back to where they were. */
  private static boolean sameRuns(PriorityQueue<Run> partial, Run[] before) {
    if (partial.size() != before.length) {
      return false;
    }
    int i = 0;
    for (Run run : partial) {
      Run old = before[i++];
      if (run != old && (run.state != old.state || run.events != old.events)) {
        return false;
      }
    }
    return true;
  }

  /** Time passes {@code timestamp}: timeouts and last absent steps, as {@code NFA.advanceTime}. */
  public PatternState advanceTime(PatternState state, long timestamp, MatchOutput out) {
    if (timestamp < state.nextDeadline) {
      return state;
    }
    PriorityQueue<Run> partial = new PriorityQueue<>(state.partial.length + 1, QUEUE_ORDER);
    PriorityQueue<Run> potential = null;
    int timedOut = 0;
    for (Run run : state.partial) {
      if (!run.isStart() && window > 0 && timestamp - run.startTimestamp() >= window) {
        if (graph.nodes[run.state].type == Type.PENDING) {
          if (potential == null) {
            potential = new PriorityQueue<>(QUEUE_ORDER);
          }
          potential.add(run);
        } else {
          timedOut++;
        }
      } else if (windows.any() && !run.isStart() && windows.stepDeadline(run) <= timestamp) {
        timedOut++;
      } else {
        partial.add(run);
      }
    }
    if (timedOut > 0) {
      out.timedOut(timedOut);
    }
    if (potential == null && state.completed.length == 0) {
      return stateOf(partial, null, state.lastTakenTimestamp, state.takenAtLastTimestamp);
    }
    PriorityQueue<Run> completed = queueOf(state.completed);
    emitMatches(potential, partial, completed, out);
    return stateOf(partial, completed, state.lastTakenTimestamp, state.takenAtLastTimestamp);
  }

  /** The event being processed; its sequence is assigned when a partial match first takes it. */
  private static final class EventTaker {
    final String eventId;
    final long timestamp;
    final long steps;
    final PartialMatchConditions conditions;
    long lastTakenTimestamp;
    int takenAtLastTimestamp;
    private int sequence = -1;

    EventTaker(PatternState state, String eventId, long timestamp, long steps,
        PartialMatchConditions conditions) {
      this.eventId = eventId;
      this.timestamp = timestamp;
      this.steps = steps;
      this.conditions = conditions;
      this.lastTakenTimestamp = state.lastTakenTimestamp;
      this.takenAtLastTimestamp = state.takenAtLastTimestamp;
    }

    boolean tookAny() {
      return sequence >= 0;
    }

    int sequence() {
      if (sequence < 0) {
        if (lastTakenTimestamp != timestamp) {
          lastTakenTimestamp = timestamp;
          takenAtLastTimestamp = 0;
        }
        sequence = takenAtLastTimestamp++;
      }
      return sequence;
    }
  }

  /** NFA.computeNextStates without Dewey versions. */
  private void computeNextStates(Run run, EventTaker event, List<Run> out) {
    Node[] nodes = graph.nodes;
    Node node = nodes[run.state];
    boolean isStart = node.type == Type.START;
    long steps = windows.any() ? windows.holding(run, event.timestamp, event.steps) : event.steps;
    Judged judged = (steps & judgedPerPartialMatch) == 0 ? null
        : new Judged(steps, steps & judgedPerPartialMatch, run, event.conditions);
    // createDecisionGraph: PROCEED edges are followed depth first (a stack), TAKE and IGNORE
    // edges collected in the order they are met.
    ArrayDeque<Node> stack = null;
    Node current = node;
    while (current != null) {
      for (int t = 0; t < current.action.length; t++) {
        if (!(judged == null ? NfaGraph.holds(current.condition[t], steps)
            : judged.holds(current.condition[t]))) {
          continue;
        }
        Node target = nodes[current.target[t]];
        switch (current.action[t]) {
          case NfaGraph.PROCEED -> {
            if (stack == null) {
              stack = new ArrayDeque<>();
            }
            stack.push(target);
          }
          case NfaGraph.IGNORE -> {
            if (!isStart) {
              out.add(new Run(target.index, run.events));
            }
          }
          default -> {
            // The step the edge takes: the node's own, or in an anyOrder group the member's.
            Taken taken = new Taken(current.condition[t] & 0xff, event.eventId,
                event.timestamp, event.sequence());
            Taken[] events = Arrays.copyOf(run.events, run.events.length + 1);
            events[run.events.length] = taken;
            out.add(new Run(target.index, events));
            Node finalState = finalStateAfterProceed(target, steps, judged);
            if (finalState != null) {
              out.add(new Run(finalState.index, events));
            }
          }
        }
      }
      current = stack == null || stack.isEmpty() ? null : stack.pop();
    }
    if (isStart) {
      out.add(run);
    }
  }

  /**
   * The steps holding for one partial match, where those judged per partial match are judged
   * when a transition first reads them: only the conditions the automaton looks at run, as in
   * CEP, so a condition naming a step this partial match has not taken yet is never asked.
   */
  private static final class Judged {
    private long steps;
    private long pending;
    private final Run run;
    private final PartialMatchConditions conditions;

    Judged(long steps, long pending, Run run, PartialMatchConditions conditions) {
      this.steps = steps;
      this.pending = pending;
      this.run = run;
      this.conditions = conditions;
    }

    boolean holds(int condition) {
      long unjudged = NfaGraph.stepsRead(condition) & pending;
      while (unjudged != 0) {
        int step = Long.numberOfTrailingZeros(unjudged);
        unjudged &= unjudged - 1;
        pending &= ~(1L << step);
        if (conditions == null || run.isStart() || !conditions.holds(step, run.events)) {
          steps &= ~(1L << step);
        }
      }
      return NfaGraph.holds(condition, steps);
    }
  }

  private Node finalStateAfterProceed(Node state, long steps, Judged judged) {
    if (!state.proceeds) {
      return null;
    }
    ArrayDeque<Node> stack = new ArrayDeque<>();
    stack.push(state);
    while (!stack.isEmpty()) {
      Node current = stack.pop();
      for (int t = 0; t < current.action.length; t++) {
        if (current.action[t] == NfaGraph.PROCEED
            && (judged == null ? NfaGraph.holds(current.condition[t], steps)
                : judged.holds(current.condition[t]))) {
          Node target = graph.nodes[current.target[t]];
          if (target.type == Type.FINAL) {
            return target;
          }
          stack.push(target);
        }
      }
    }
    return null;
  }

  /** NFA.processMatchesAccordingToSkipStrategy. */
  private void emitMatches(PriorityQueue<Run> potential, PriorityQueue<Run> partial,
      PriorityQueue<Run> completed, MatchOutput out) {
    if (potential != null) {
      completed.addAll(potential);
    }
    Run earliest;
    while ((earliest = completed.peek()) != null) {
      if (skipPastLastEvent) {
        Run earliestPartial = partial.peek();
        if (earliestPartial != null && Run.compare(earliest, earliestPartial) > 0) {
          break;
        }
      }
      completed.poll();
      if (skipPastLastEvent) {
        Taken last = earliest.events[earliest.events.length - 1];
        prune(partial, last);
        prune(completed, last);
      }
      out.match(new Match(stepNames, earliest.events, endTime(earliest)));
    }
  }

  private static void prune(PriorityQueue<Run> runs, Taken pruningId) {
    List<Run> discard = new ArrayList<>();
    for (Run run : runs) {
      if (!run.isStart() && Taken.compare(run.startTimestamp(), run.startSequence(),
          pruningId.timestamp, pruningId.sequence) <= 0) {
        discard.add(run);
      }
    }
    if (!discard.isEmpty()) {
      runs.removeAll(discard);
    }
  }

  private long endTime(Run match) {
    return endsWithAbsence
        ? match.startTimestamp() + window
        : match.events[match.events.length - 1].timestamp;
  }

  private static PriorityQueue<Run> queueOf(Run[] runs) {
    PriorityQueue<Run> queue = new PriorityQueue<>(Math.max(1, runs.length), QUEUE_ORDER);
    for (Run run : runs) {
      queue.add(run);
    }
    return queue;
  }

  private PatternState stateOf(PriorityQueue<Run> partial, PriorityQueue<Run> completed,
      long lastTakenTimestamp, int takenAtLastTimestamp) {
    if (partial.size() == 1 && (completed == null || completed.isEmpty())) {
      return initialState();
    }
    return new PatternState(partial.toArray(new Run[0]),
        completed == null || completed.isEmpty() ? NO_RUNS : completed.toArray(new Run[0]),
        lastTakenTimestamp, takenAtLastTimestamp, windows);
  }

  /** Steps read by transitions of the start state and of the states its PROCEED edges reach. */
  private static long conditionMask(NfaGraph graph, int state) {
    long mask = 0;
    ArrayDeque<Integer> stack = new ArrayDeque<>();
    boolean[] seen = new boolean[graph.nodes.length];
    stack.push(state);
    while (!stack.isEmpty()) {
      Node node = graph.nodes[stack.pop()];
      if (seen[node.index]) {
        continue;
      }
      seen[node.index] = true;
      for (int t = 0; t < node.action.length; t++) {
        long read = NfaGraph.stepsRead(node.condition[t]);
        if (read == 0) {
          return -1L;
        }
        mask |= read;
        if (node.action[t] == NfaGraph.PROCEED) {
          stack.push(node.target[t]);
        }
      }
    }
    return mask;
  }
}
