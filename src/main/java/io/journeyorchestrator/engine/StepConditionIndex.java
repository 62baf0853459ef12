package io.journeyorchestrator.engine;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.matching.CompiledPattern;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which steps of which patterns an event satisfies, with each distinct condition (by its CEL text)
 * evaluated at most once per event, and only when the event's type can satisfy it: a condition
 * that pins event types ({@link Condition#requiredEventTypes()}) is false for every other type
 * without running CEL. The conditions to run for a type are worked out once per type and cached.
 *
 * <p>Per event: one hash lookup for the type, then one CEL evaluation per distinct candidate
 * condition; no state access. A condition that fails on an event counts as false, and as one
 * error of every step that uses it.
 */
public final class StepConditionIndex implements Serializable {
  private final List<Condition> conditions = new ArrayList<>();
  /** Per distinct condition, the (pattern, step) pairs that use it. */
  private final List<List<int[]>> users = new ArrayList<>();
  /** Filled as types are seen; rebuilt after deserialization. */
  private transient Map<String, int[]> candidatesByType;

  /** Receives a condition's failure on an event, once per step using it. */
  public interface ErrorSink {
    void failed(int pattern, int step, ConditionEvaluationException error);
  }

  public StepConditionIndex(List<CompiledPattern> patterns) {
    Map<String, Integer> bySource = new LinkedHashMap<>();
    for (int p = 0; p < patterns.size(); p++) {
      CompiledPattern pattern = patterns.get(p);
      int steps = pattern.definition().steps().size();
      if (steps > Long.SIZE) {
        throw new IllegalArgumentException("pattern " + pattern.id() + " has " + steps
            + " steps; at most " + Long.SIZE + " are supported");
      }
      for (int s = 0; s < steps; s++) {
        Condition condition = pattern.condition(s);
        Integer index = bySource.get(condition.source());
        if (index == null) {
          index = conditions.size();
          bySource.put(condition.source(), index);
          conditions.add(condition);
          users.add(new ArrayList<>());
        }
        users.get(index).add(new int[] {p, s});
      }
    }
  }

  /** How many distinct conditions the patterns use. */
  public int distinctConditions() {
    return conditions.size();
  }

  /**
   * Fills {@code stepsHolding[p]} with a bit per step of pattern {@code p} whose condition holds
   * for the event (bit {@code s} for step {@code s}).
   *
   * @return whether any step of any pattern holds
   */
  public boolean evaluate(InteractionEvent event, Map<String, Object> profile,
      long[] stepsHolding, ErrorSink errors) {
    Arrays.fill(stepsHolding, 0L);
    boolean any = false;
    Condition.Bindings bindings = null;
    for (int index : candidates(event.getType())) {
      boolean holds;
      try {
        // One that reads earlier steps' events is judged per partial match (JourneyMatcher): the
        // event's type fits, which is all that can be known here.
        if (conditions.get(index).readsSteps()) {
          holds = true;
        } else {
          if (bindings == null) {
            bindings = Condition.bind(event, profile);
          }
          holds = conditions.get(index).evaluate(bindings);
        }
      } catch (ConditionEvaluationException e) {
        for (int[] user : users.get(index)) {
          errors.failed(user[0], user[1], e);
        }
        continue;
      }
      if (holds) {
        any = true;
        for (int[] user : users.get(index)) {
          stepsHolding[user[0]] |= 1L << user[1];
        }
      }
    }
    return any;
  }

  private int[] candidates(String type) {
    if (candidatesByType == null) {
      candidatesByType = new HashMap<>();
    }
    int[] candidates = candidatesByType.get(type);
    if (candidates == null) {
      List<Integer> list = new ArrayList<>();
      for (int i = 0; i < conditions.size(); i++) {
        Set<String> pinned = conditions.get(i).requiredEventTypes().orElse(null);
        if (pinned == null || pinned.contains(type)) {
          list.add(i);
        }
      }
      candidates = list.stream().mapToInt(Integer::intValue).toArray();
      candidatesByType.put(type, candidates);
    }
    return candidates;
  }
}
