package io.journeyorchestrator.engine;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.matching.CompiledPattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The matcher driven as CepOperator drives its NFA: events wait per customer until the
 * watermark passes them; then per timestamp in order advanceTime and the events at it in
 * arrival order; then advanceTime to the watermark, for every customer (CEP only for those with
 * a timer due, which the matcher must not notice).
 */
final class EngineDriver {
  private final JourneyMatcher matcher;
  private final CompiledPattern pattern;
  private final List<String> stepNames;
  private final Map<String, PatternState> states = new LinkedHashMap<>();
  private final Map<String, List<JourneyEvent>> waiting = new LinkedHashMap<>();
  /** Every event released, by id, for the cross-step conditions. */
  private final Map<String, InteractionEvent> seen = new HashMap<>();
  final List<String> matches = new ArrayList<>();
  final List<Match> matchObjects = new ArrayList<>();
  int dropped;
  int maxPartialMatches;
  /** Every other state goes through its Avro record, as it would through RocksDB. */
  private boolean roundTrips;

  EngineDriver(JourneyMatcher matcher, CompiledPattern pattern) {
    this.matcher = matcher;
    this.pattern = pattern;
    this.stepNames = pattern.definition().steps().stream().map(StepDefinition::name).toList();
  }

  void event(JourneyEvent event) {
    waiting.computeIfAbsent(event.getEvent().getCustomerId(), c -> new ArrayList<>()).add(event);
    states.putIfAbsent(event.getEvent().getCustomerId(), matcher.initialState());
  }

  void watermark(long watermark) {
    for (Map.Entry<String, PatternState> entry : states.entrySet()) {
      String customer = entry.getKey();
      PatternState state = entry.getValue();
      MatchOutput out = output(customer);
      List<JourneyEvent> due = new ArrayList<>();
      List<JourneyEvent> queue = waiting.getOrDefault(customer, new ArrayList<>());
      queue.removeIf(e -> {
        if (e.getEvent().getTimestamp().toEpochMilli() <= watermark) {
          due.add(e);
          return true;
        }
        return false;
      });
      due.sort(Comparator.comparingLong(e -> e.getEvent().getTimestamp().toEpochMilli()));
      long current = Long.MIN_VALUE;
      for (JourneyEvent event : due) {
        long time = event.getEvent().getTimestamp().toEpochMilli();
        if (time != current) {
          state = matcher.advanceTime(state, time, out);
          current = time;
        }
        seen.put(event.getEvent().getEventId(), event.getEvent());
        state = matcher.onEvent(state, event.getEvent().getEventId(), time, holding(event),
            (step, taken) -> holds(step, taken, event), out);
        maxPartialMatches = Math.max(maxPartialMatches, state.partialMatches());
      }
      state = matcher.advanceTime(state, watermark, out);
      if (roundTrips) {
        state = StateRecords.roundTrip(matcher, state);
      }
      roundTrips = !roundTrips;
      entry.setValue(state);
    }
  }

  PatternState state(String customer) {
    return states.get(customer);
  }

  boolean allStatesEmptyAtEnd() {
    return states.values().stream().allMatch(matcher::isEmpty);
  }

  /** A cross-step condition judged for one partial match, with the events it took. */
  private boolean holds(int step, Taken[] taken, JourneyEvent event) {
    Map<String, List<InteractionEvent>> earlier = new HashMap<>();
    for (Taken t : taken) {
      earlier.computeIfAbsent(stepNames.get(t.step()), s -> new ArrayList<>())
          .add(seen.get(t.eventId()));
    }
    if (!earlier.keySet().containsAll(pattern.condition(step).stepsNamed())) {
      return false;
    }
    try {
      return pattern.condition(step).evaluate(event.getEvent(), event.getProfile(), earlier);
    } catch (ConditionEvaluationException e) {
      throw new IllegalStateException(e);
    }
  }

  private long holding(JourneyEvent event) {
    long steps = 0;
    for (int i = 0; i < stepNames.size(); i++) {
      if (pattern.condition(i).readsSteps()) {
        // Judged per partial match (holds).
        steps |= 1L << i;
        continue;
      }
      try {
        if (pattern.condition(i).evaluate(event.getEvent(), event.getProfile())) {
          steps |= 1L << i;
        }
      } catch (ConditionEvaluationException e) {
        throw new IllegalStateException(e);
      }
    }
    return steps;
  }

  private MatchOutput output(String customer) {
    return new MatchOutput() {
      @Override
      public void match(Match match) {
        Map<String, List<String>> ids = new HashMap<>();
        match.steps().forEach((step, refs) ->
            ids.put(step, refs.stream().map(EventRef::eventId).toList()));
        matches.add(CepReference.describe(customer, stepNames, ids));
        matchObjects.add(match);
      }

      @Override
      public void dropped(int count) {
        dropped += count;
      }
    };
  }
}
