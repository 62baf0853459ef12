package io.journeyorchestrator.engine;

import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.engine.NfaGraph.Node;
import io.journeyorchestrator.engine.NfaGraph.Type;
import io.journeyorchestrator.engine.PatternState.Run;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The time limits of one pattern's partial matches: the pattern's {@code within} (from the first
 * event, as Flink CEP) and each step's own {@code within}, which CEP has no counterpart for. A step
 * taken once must come before its window has passed since the previous step's event (the partial
 * match's last event); the occurrences of a repeated step all before its window has passed since
 * its first. As with the pattern's window the bound is exclusive: an event exactly a window after
 * its anchor is too late.
 *
 * <p>A step's window acts on a partial match in two ways. An event outside it does not count as
 * the step for that partial match (a relaxed step ignores it, a strict one fails), and a partial
 * match that can make progress only through steps whose windows have all passed is dropped at
 * the moment the last one passes, so its state goes and a match that skip-past-last-event held
 * back behind it is released.
 */
final class StepWindows implements Serializable {
  /** {@code within} in milliseconds, 0 when the pattern has none (as in CEP). */
  final long window;
  /** Each step's own window in milliseconds, 0 for none. */
  private final long[] stepWindow;
  private final boolean[] once;
  /** Steps with a window of their own. */
  private final long windowedSteps;
  /**
   * Per automaton state: the steps a partial match there can still take, through its own edges
   * and those its PROCEED edges reach; -1 when it can progress otherwise (an absence to wait out)
   * or some of those steps has no window, so only the pattern's window ends it.
   */
  private final long[] progressSteps;

  StepWindows(PatternDefinition definition, NfaGraph graph) {
    List<StepDefinition> steps = definition.steps();
    window = graph.window;
    stepWindow = new long[steps.size()];
    once = new boolean[steps.size()];
    long windowed = 0;
    for (int i = 0; i < steps.size(); i++) {
      StepDefinition step = steps.get(i);
      once[i] = step.times().isOnce();
      if (step.within() != null) {
        stepWindow[i] = step.within().toMillis();
        windowed |= 1L << i;
      }
    }
    windowedSteps = windowed;
    progressSteps = new long[graph.nodes.length];
    for (Node node : graph.nodes) {
      progressSteps[node.index] = windowed == 0 ? -1 : progressSteps(graph, node);
    }
  }

  boolean any() {
    return windowedSteps != 0;
  }

  private long progressSteps(NfaGraph graph, Node from) {
    long steps = 0;
    ArrayDeque<Node> stack = new ArrayDeque<>();
    boolean[] seen = new boolean[graph.nodes.length];
    stack.push(from);
    while (!stack.isEmpty()) {
      Node node = stack.pop();
      if (seen[node.index]) {
        continue;
      }
      seen[node.index] = true;
      if (node.type == Type.PENDING || node.type == Type.START) {
        return -1;
      }
      for (int t = 0; t < node.action.length; t++) {
        Node target = graph.nodes[node.target[t]];
        if (node.action[t] == NfaGraph.TAKE && target.type != Type.STOP) {
          int step = node.condition[t] & 0xff;
          if (stepWindow[step] == 0) {
            return -1;
          }
          steps |= 1L << step;
        } else if (node.action[t] == NfaGraph.PROCEED
            && target.type != Type.STOP && target.type != Type.FINAL) {
          stack.push(target);
        }
      }
    }
    return steps;
  }

  /**
   * When {@code step}'s window for this partial match began: the previous step's event for a
   * step taken once, the step's first occurrence for a repeated one; Long.MIN_VALUE when it has
   * not begun (nothing taken yet, or a repeated step not yet taken).
   */
  private long anchor(Run run, int step) {
    Taken[] events = run.events;
    if (events.length == 0) {
      return Long.MIN_VALUE;
    }
    if (once[step]) {
      return events[events.length - 1].timestamp;
    }
    for (Taken taken : events) {
      if (taken.step == step) {
        return taken.timestamp;
      }
    }
    return Long.MIN_VALUE;
  }

  /** The steps holding for an event, less those whose window this partial match has missed. */
  long holding(Run run, long timestamp, long steps) {
    long candidates = steps & windowedSteps;
    while (candidates != 0) {
      int step = Long.numberOfTrailingZeros(candidates);
      candidates &= candidates - 1;
      long anchor = anchor(run, step);
      if (anchor != Long.MIN_VALUE && timestamp - anchor >= stepWindow[step]) {
        steps &= ~(1L << step);
      }
    }
    return steps;
  }

  /**
   * When the partial match can no longer progress because every step it could take has missed
   * its window; Long.MAX_VALUE when step windows never end it (the pattern's window may).
   */
  long stepDeadline(Run run) {
    long steps = progressSteps[run.state];
    if (steps == 0 || steps == -1L) {
      return Long.MAX_VALUE;
    }
    long deadline = Long.MIN_VALUE;
    while (steps != 0) {
      int step = Long.numberOfTrailingZeros(steps);
      steps &= steps - 1;
      long anchor = anchor(run, step);
      if (anchor == Long.MIN_VALUE) {
        return Long.MAX_VALUE;
      }
      deadline = Math.max(deadline, anchor + stepWindow[step]);
    }
    return deadline;
  }

  /**
   * The steps whose windows end this partial match at {@link #stepDeadline}, by index; empty when
   * step windows never end it.
   */
  List<Integer> endingSteps(Run run) {
    if (stepDeadline(run) == Long.MAX_VALUE) {
      return List.of();
    }
    List<Integer> ending = new java.util.ArrayList<>();
    long steps = progressSteps[run.state];
    while (steps != 0) {
      ending.add(Long.numberOfTrailingZeros(steps));
      steps &= steps - 1;
    }
    return ending;
  }

  long stepWindow(int step) {
    return stepWindow[step];
  }

  /** The earliest time the pattern's or a step's window ends this partial match. */
  long deadline(Run run) {
    if (run.isStart()) {
      return Long.MAX_VALUE;
    }
    long deadline = window > 0 ? run.startTimestamp() + window : Long.MAX_VALUE;
    return windowedSteps == 0 ? deadline : Math.min(deadline, stepDeadline(run));
  }
}
