package io.journeyorchestrator.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One match of a pattern: the events each present step took, in the order they were taken, and
 * when the match ends: its last event, or for a pattern whose last step is absent its deadline
 * (first event plus {@code within}), as {@code MatchBuilder} has it.
 */
public final class Match {
  private final List<String> stepNames;
  private final Taken[] events;
  private final long endTime;

  Match(List<String> stepNames, Taken[] events, long endTime) {
    this.stepNames = stepNames;
    this.events = events;
    this.endTime = endTime;
  }

  /** The events as the matcher took them, for the step funnels. */
  Taken[] taken() {
    return events;
  }

  public long startTime() {
    return events[0].timestamp;
  }

  public long endTime() {
    return endTime;
  }

  /** Every event of the match, in the order the steps took them. */
  public List<EventRef> events() {
    List<EventRef> refs = new ArrayList<>(events.length);
    for (Taken taken : events) {
      refs.add(new EventRef(taken.eventId, taken.timestamp));
    }
    return refs;
  }

  /** The events of each step that took any, in step order (absent steps take none). */
  public Map<String, List<EventRef>> steps() {
    Map<String, List<EventRef>> steps = new LinkedHashMap<>();
    for (int step = 0; step < stepNames.size(); step++) {
      List<EventRef> refs = eventsOf(step);
      if (!refs.isEmpty()) {
        steps.put(stepNames.get(step), refs);
      }
    }
    return steps;
  }

  /** The events the named step took, possibly none. */
  public List<EventRef> step(String name) {
    int step = stepNames.indexOf(name);
    return step < 0 ? List.of() : eventsOf(step);
  }

  private List<EventRef> eventsOf(int step) {
    List<EventRef> refs = new ArrayList<>();
    for (Taken taken : events) {
      if (taken.step == step) {
        refs.add(new EventRef(taken.eventId, taken.timestamp));
      }
    }
    return refs;
  }

  @Override
  public String toString() {
    return steps() + " ending " + endTime;
  }
}
