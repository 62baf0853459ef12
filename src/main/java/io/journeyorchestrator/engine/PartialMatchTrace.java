package io.journeyorchestrator.engine;

import io.journeyorchestrator.config.Durations;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one step of the engine did to one pattern's partial matches, in words, for explain.sh:
 * partial matches started, advanced, timed out or dropped, told apart by comparing the state
 * before and after (a partial match is known by the events it took, step by step), so the
 * matcher itself stays as it is. Partial matches that became a match are not reported here: the
 * match is.
 */
final class PartialMatchTrace implements Serializable {
  /** One line, at the instant it happened (a timeout's is its deadline). */
  record Line(long time, String text) {}

  /** The most lines per pattern and step; a pattern with "any" contiguity can fork many. */
  static final int MOST_LINES = 5;

  private final List<String> stepNames;
  private final Duration within;
  private final StepWindows windows;

  PartialMatchTrace(PatternDefinition pattern) {
    this.stepNames = pattern.steps().stream().map(StepDefinition::name).toList();
    this.within = pattern.within();
    this.windows = new StepWindows(pattern, NfaGraph.compile(pattern));
  }

  /**
   * @param eventId the event applied, or null when only time passed (deadlines)
   * @param time the event's time, or how far time passed
   * @param matchedEventIds the events of the matches this step emitted
   */
  List<Line> describe(PatternState before, PatternState after, String eventId, long time,
      Set<String> matchedEventIds) {
    Map<String, PatternState.Run> was = byEvents(before);
    Map<String, PatternState.Run> is = byEvents(after);
    List<Line> lines = new ArrayList<>();
    for (Map.Entry<String, PatternState.Run> entry : is.entrySet()) {
      if (was.containsKey(entry.getKey())) {
        continue;
      }
      Taken[] taken = entry.getValue().events;
      Taken last = taken[taken.length - 1];
      String prefix = key(Arrays.copyOf(taken, taken.length - 1));
      lines.add(new Line(time, was.containsKey(prefix) && taken.length > 1
          ? "partial match advanced: " + last.eventId + " took step " + stepNames.get(last.step)
              + " (" + taken.length + " events: " + ids(taken) + ")"
          : "partial match started: " + last.eventId + " took step "
              + stepNames.get(last.step) + (taken.length > 1 ? " (" + ids(taken) + ")" : "")));
    }
    Set<String> extended = new HashSet<>();
    for (PatternState.Run run : is.values()) {
      for (int n = 1; n < run.events.length; n++) {
        extended.add(key(Arrays.copyOf(run.events, n)));
      }
    }
    for (Map.Entry<String, PatternState.Run> entry : was.entrySet()) {
      Taken[] taken = entry.getValue().events;
      if (is.containsKey(entry.getKey()) || extended.contains(entry.getKey())
          || Arrays.stream(taken).allMatch(t -> matchedEventIds.contains(t.eventId))) {
        continue;
      }
      String at = "at step " + stepNames.get(taken[taken.length - 1].step) + " (" + ids(taken)
          + ")";
      if (eventId != null) {
        lines.add(new Line(time, "partial match dropped by " + eventId + " " + at
            + (matchedEventIds.isEmpty() ? "" : ", as the match it completed skips past it")));
      } else if (endedByStepWindow(entry.getValue())) {
        PatternState.Run run = entry.getValue();
        String late = windows.endingSteps(run).stream()
            .map(step -> stepNames.get(step) + " (within "
                + Durations.format(Duration.ofMillis(windows.stepWindow(step))) + ")")
            .collect(Collectors.joining(", "));
        lines.add(new Line(Math.min(time, windows.stepDeadline(run)),
            "partial match timed out: too late for step " + late + " " + at));
      } else if (within != null) {
        lines.add(new Line(Math.min(time, taken[0].timestamp + within.toMillis()),
            "partial match timed out after " + Durations.format(within) + " " + at));
      } else {
        lines.add(new Line(time, "partial match ended " + at));
      }
    }
    if (lines.size() > MOST_LINES) {
      int more = lines.size() - MOST_LINES;
      lines = new ArrayList<>(lines.subList(0, MOST_LINES));
      lines.add(new Line(time, "and " + more + " more partial match changes"));
    }
    return lines;
  }

  /** Whether a step's window, not the pattern's, ended the partial match. */
  private boolean endedByStepWindow(PatternState.Run run) {
    long stepDeadline = windows.stepDeadline(run);
    return stepDeadline != Long.MAX_VALUE
        && (within == null || stepDeadline < run.startTimestamp() + within.toMillis());
  }

  private static Map<String, PatternState.Run> byEvents(PatternState state) {
    Map<String, PatternState.Run> runs = new LinkedHashMap<>();
    for (PatternState.Run run : state.partial) {
      if (!run.isStart()) {
        runs.put(key(run.events), run);
      }
    }
    return runs;
  }

  private static String key(Taken[] taken) {
    return Arrays.stream(taken).map(t -> t.step + ":" + t.eventId)
        .collect(Collectors.joining(","));
  }

  private static String ids(Taken[] taken) {
    return Arrays.stream(taken).map(t -> t.eventId).collect(Collectors.joining(","));
  }
}
