package io.journeyorchestrator.engine;

import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.config.StepDefinition.AnyOrder;
import io.journeyorchestrator.config.StepDefinition.Contiguity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The automaton of one pattern: the states and transitions that Flink CEP's {@code NFACompiler}
 * (2.2.1) builds for the {@code Pattern} that {@code CepPatternBuilder} makes of a definition,
 * state by state and transition by transition, in the same order. The order matters: CEP creates
 * computation states in the order of the transitions, and that order decides which of several
 * matches of one event comes first and how its priority queues are laid out.
 *
 * <p>Only what the builder uses is mirrored: {@code begin} / {@code next} / {@code followedBy} /
 * {@code followedByAny}, {@code notNext} / {@code notFollowedBy}, {@code times(n)},
 * {@code times(n, m)}, {@code timesOrMore(n)} with {@code consecutive()} or
 * {@code allowCombinations()}, and one {@code within} on the last step. No optional, greedy,
 * until or group patterns, so {@code copyWithoutTransitiveNots} is always the identity.
 *
 * <p>One shape is this project's own, as CEP has nothing like it: an {@code anyOrder} group gets
 * a state per subset of its members taken so far (fewer than {@code atLeast}), with a TAKE edge
 * for each member not yet taken; the edge that takes the {@code atLeast}-th member leads on to
 * the next step. An event two untaken members both hold for forks the partial match, one branch
 * per member, so every assignment of events to members is tried.
 *
 * <p>Conditions are codes over the steps whose {@code when} holds for the event (a bit set):
 * {@link #TRUE}, {@code STEP | i} (step i holds), {@code NOT | i} (step i does not hold) and
 * {@link #noneOf} (no step of a group's subset holds).
 */
final class NfaGraph implements Serializable {
  static final int TAKE = 0;
  static final int IGNORE = 1;
  static final int PROCEED = 2;

  static final int TRUE = 0;
  static final int STEP = 1 << 8;
  static final int NOT = 2 << 8;
  static final int NONE = 3 << 8;
  private static final int KIND = 0xf00;
  private static final int MEMBERS_SHIFT = 12;

  enum Type { START, NORMAL, FINAL, STOP, PENDING }

  /** One state: its step (-1 for the final state), type and transitions in CEP's order. */
  static final class Node implements Serializable {
    final int index;
    final int step;
    Type type;
    final List<int[]> transitions = new ArrayList<>(); // {action, target, condition}
    int[] action;
    int[] target;
    int[] condition;
    /** Whether any transition is a PROCEED. */
    boolean proceeds;

    Node(int index, int step, Type type) {
      this.index = index;
      this.step = step;
      this.type = type;
    }

    void add(int action, Node target, int condition) {
      transitions.add(new int[] {action, target.index, condition});
    }

    void freeze() {
      int n = transitions.size();
      action = new int[n];
      target = new int[n];
      condition = new int[n];
      for (int i = 0; i < n; i++) {
        action[i] = transitions.get(i)[0];
        target[i] = transitions.get(i)[1];
        condition[i] = transitions.get(i)[2];
        proceeds |= action[i] == PROCEED;
      }
    }
  }

  final Node[] nodes;
  final int start;
  /** {@code within} in milliseconds, 0 when the pattern has none (as in CEP). */
  final long window;

  private NfaGraph(List<Node> nodes, int start, long window) {
    this.nodes = nodes.toArray(new Node[0]);
    for (Node node : this.nodes) {
      node.freeze();
    }
    this.start = start;
    this.window = window;
  }

  static boolean holds(int condition, long steps) {
    int step = condition & 0xff;
    return switch (condition & KIND) {
      case STEP -> (steps >>> step & 1L) != 0;
      case NOT -> (steps >>> step & 1L) == 0;
      case NONE -> (steps & stepsRead(condition)) == 0;
      default -> true;
    };
  }

  /** The condition that none of the steps {@code first + j}, for bit j of {@code members}, holds. */
  static int noneOf(int first, int members) {
    return NONE | first | members << MEMBERS_SHIFT;
  }

  /** The steps whose {@code when} a condition reads, as a bit set; none for {@link #TRUE}. */
  static long stepsRead(int condition) {
    int step = condition & 0xff;
    return switch (condition & KIND) {
      case STEP, NOT -> 1L << step;
      case NONE -> (long) (condition >>> MEMBERS_SHIFT & 0xff) << step;
      default -> 0L;
    };
  }

  /** How CEP sees a step: the consuming strategies of the Pattern the builder made of it. */
  private enum Consuming { STRICT, SKIP_TILL_NEXT, SKIP_TILL_ANY, NOT_FOLLOW, NOT_NEXT }

  private enum Quantity { SINGLE, TIMES, LOOPING }

  static NfaGraph compile(PatternDefinition definition) {
    return new Compiler(definition).compile();
  }

  /** NFACompiler.NFAFactoryCompiler, reduced to the pattern shapes above. */
  private static final class Compiler {
    private final List<StepDefinition> steps;
    private final Consuming[] consuming;
    private final Consuming[] inner;
    private final Quantity[] quantity;
    private final int[] from;
    private final int[] to;
    private final long window;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Integer, Node> stopStates = new HashMap<>();
    private int current;
    private int following = -1;

    Compiler(PatternDefinition definition) {
      steps = definition.steps();
      int n = steps.size();
      if (n > 64) {
        throw new IllegalArgumentException(
            definition.id() + ": the engine matches at most 64 steps, got " + n);
      }
      consuming = new Consuming[n];
      inner = new Consuming[n];
      quantity = new Quantity[n];
      from = new int[n];
      to = new int[n];
      for (int i = 0; i < n; i++) {
        StepDefinition step = steps.get(i);
        if (i == 0) {
          consuming[i] = Consuming.STRICT;
        } else if (step.absent()) {
          consuming[i] = step.contiguity() == Contiguity.STRICT
              ? Consuming.NOT_NEXT : Consuming.NOT_FOLLOW;
        } else {
          consuming[i] = switch (step.contiguity()) {
            case STRICT -> Consuming.STRICT;
            case ANY -> Consuming.SKIP_TILL_ANY;
            case RELAXED -> Consuming.SKIP_TILL_NEXT;
          };
        }
        StepDefinition.Times times = step.times();
        if (times.isOnce()) {
          quantity[i] = Quantity.SINGLE;
          inner[i] = Consuming.SKIP_TILL_NEXT;
        } else {
          quantity[i] = times.max() == null ? Quantity.LOOPING : Quantity.TIMES;
          from[i] = times.min();
          to[i] = times.max() == null ? times.min() : times.max();
          inner[i] = switch (step.contiguity()) {
            case STRICT -> Consuming.STRICT;
            case ANY -> Consuming.SKIP_TILL_ANY;
            case RELAXED -> Consuming.SKIP_TILL_NEXT;
          };
        }
      }
      window = definition.within() == null ? 0L : definition.within().toMillis();
    }

    NfaGraph compile() {
      Node sink = createState(-1, Type.FINAL);
      current = steps.size() - 1;
      sink = createMiddleStates(sink);
      Node begin = convertPattern(sink);
      begin.type = Type.START;
      return new NfaGraph(nodes, begin.index, window);
    }

    private Node createState(int step, Type type) {
      Node node = new Node(nodes.size(), step, type);
      nodes.add(node);
      return node;
    }

    private Node createMiddleStates(Node sinkState) {
      Node lastSink = sinkState;
      while (unitStart(current) > 0) {
        int condition = STEP | current;
        if (consuming[current] == Consuming.NOT_FOLLOW) {
          if (window > 0 && lastSink.type == Type.FINAL) {
            Node notFollow = createState(current, Type.PENDING);
            Node stop = createStopState(current);
            notFollow.add(PROCEED, stop, condition);
            notFollow.add(IGNORE, notFollow, NOT | current);
            lastSink = notFollow;
          }
        } else if (consuming[current] == Consuming.NOT_NEXT) {
          Node notNext = createState(current, Type.NORMAL);
          Node stop = createStopState(current);
          if (lastSink.type == Type.FINAL) {
            notNext.add(IGNORE, lastSink, NOT | current);
          } else {
            notNext.add(PROCEED, lastSink, NOT | current);
          }
          notNext.add(PROCEED, stop, condition);
          lastSink = notNext;
        } else {
          lastSink = convertPattern(lastSink);
        }
        following = current;
        current--;
      }
      return lastSink;
    }

    /** The first step of the step or group that {@code step} is part of. */
    private int unitStart(int step) {
      AnyOrder group = steps.get(step).group();
      return group == null ? step : group.first();
    }

    private Node convertPattern(Node sinkState) {
      Node lastSink;
      AnyOrder group = steps.get(current).group();
      if (group != null) {
        current = group.first();
        lastSink = groupState(group, 0, sinkState, new HashMap<>());
      } else if (quantity[current] == Quantity.LOOPING) {
        Node looping = createLooping(sinkState);
        lastSink = createTimesState(looping, sinkState);
      } else if (quantity[current] == Quantity.TIMES) {
        lastSink = createTimesState(sinkState, sinkState);
      } else {
        lastSink = createSingletonState(sinkState, sinkState, STEP | current,
            ignoreCondition(consuming[current]), false);
      }
      addStopStates(lastSink);
      return lastSink;
    }

    /**
     * The state of a group with the members in {@code taken} (bit j: step first + j) taken. The
     * ignore edge follows the group's contiguity: relaxed ignores an event no untaken member
     * holds for, any ignores every event (taking it too where a member holds), strict none. As
     * for a first step, the group's entry state has no ignore edge when it starts the pattern.
     */
    private Node groupState(AnyOrder group, int taken, Node sinkState,
        Map<Integer, Node> made) {
      Node existing = made.get(taken);
      if (existing != null) {
        return existing;
      }
      Node state = createState(group.first(), Type.NORMAL);
      made.put(taken, state);
      int untaken = (1 << group.size()) - 1 & ~taken;
      boolean last = Integer.bitCount(taken) + 1 == group.atLeast();
      for (int j = 0; j < group.size(); j++) {
        if ((untaken >>> j & 1) != 0) {
          Node target = last ? sinkState : groupState(group, taken | 1 << j, sinkState, made);
          state.add(TAKE, target, STEP | group.first() + j);
        }
      }
      if (taken != 0 || group.first() > 0) {
        switch (steps.get(group.first()).contiguity()) {
          case RELAXED -> state.add(IGNORE, state, noneOf(group.first(), untaken));
          case ANY -> state.add(IGNORE, state, TRUE);
          case STRICT -> { }
        }
      }
      return state;
    }

    private Node createStopState(int step) {
      Node stop = stopStates.get(step);
      if (stop == null) {
        stop = createState(step, Type.STOP);
        stop.add(TAKE, stop, STEP | step);
        stopStates.put(step, stop);
      }
      return stop;
    }

    /** The not-followed-by step just before the current one, if any (getCurrentNotCondition). */
    private int currentNotStep() {
      int previous = current - 1;
      return previous > 0 && consuming[previous] == Consuming.NOT_FOLLOW ? previous : -1;
    }

    private void addStopStates(Node state) {
      int not = currentNotStep();
      if (not >= 0) {
        state.add(PROCEED, createStopState(not), STEP | not);
      }
    }

    private void addStopStateToLooping(Node state) {
      if (following >= 0 && consuming[following] == Consuming.NOT_FOLLOW) {
        state.add(PROCEED, createStopState(following), STEP | following);
      }
    }

    /** The ignore condition of a consuming strategy; -1 for none (strict). */
    private int ignoreCondition(Consuming strategy) {
      return switch (strategy) {
        case SKIP_TILL_NEXT -> NOT | current;
        case SKIP_TILL_ANY -> TRUE;
        default -> -1;
      };
    }

    private Node createLooping(Node sinkState) {
      int ignore = ignoreCondition(inner[current]);
      int take = STEP | current;
      Node looping = createState(current, Type.NORMAL);
      looping.add(PROCEED, sinkState, TRUE);
      looping.add(TAKE, looping, take);
      addStopStateToLooping(looping);
      if (ignore >= 0) {
        Node ignoreState = createState(current, Type.NORMAL);
        ignoreState.add(TAKE, looping, take);
        ignoreState.add(IGNORE, ignoreState, ignore);
        looping.add(IGNORE, ignoreState, ignore);
        addStopStateToLooping(ignoreState);
      }
      return looping;
    }

    private Node createTimesState(Node sinkState, Node proceedState) {
      Node lastSink = sinkState;
      int innerIgnore = ignoreCondition(inner[current]);
      int take = STEP | current;
      for (int i = from[current]; i < to[current]; i++) {
        lastSink = createSingletonState(lastSink, proceedState, take, innerIgnore, true);
        addStopStateToLooping(lastSink);
      }
      for (int i = 0; i < from[current] - 1; i++) {
        lastSink = createSingletonState(lastSink, null, take, innerIgnore, false);
        addStopStateToLooping(lastSink);
      }
      return createSingletonState(lastSink, proceedState, take,
          ignoreCondition(consuming[current]), false);
    }

    private Node createSingletonState(Node sinkState, Node proceedState, int take, int ignore,
        boolean optional) {
      Node singleton = createState(current, Type.NORMAL);
      singleton.add(TAKE, sinkState, take);
      if (optional) {
        singleton.add(PROCEED, proceedState, TRUE);
      }
      if (ignore >= 0) {
        Node ignoreState;
        if (optional) {
          ignoreState = createState(current, Type.NORMAL);
          ignoreState.add(TAKE, sinkState, take);
          ignoreState.add(IGNORE, ignoreState, ignore);
          addStopStates(ignoreState);
        } else {
          ignoreState = singleton;
        }
        singleton.add(IGNORE, ignoreState, ignore);
      }
      return singleton;
    }
  }
}
