package io.journeyorchestrator.pattern;

import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.matching.CompiledPattern;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * For replay only: evaluates every step condition of a CEP pattern on each event the pattern
 * receives, and reports those that fail to {@link RunDiagnostics#CONDITION_ERRORS}. Flink CEP
 * gives its conditions no accumulators, and evaluates a step only while a partial match waits at
 * it, once per waiting match; this counts each event once per step whose condition fails on it,
 * the same as a single-event pattern does. Emits nothing.
 *
 * <p>Per event: one evaluation per step, no state.
 */
final class StepConditionProbe extends RichFlatMapFunction<JourneyEvent, JourneyEvent> {
  private final List<String> stepKeys = new ArrayList<>();
  private final List<Condition> conditions;
  private transient ErrorTally errors;

  StepConditionProbe(CompiledPattern pattern) {
    this.conditions = new ArrayList<>();
    for (int i = 0; i < pattern.definition().steps().size(); i++) {
      stepKeys.add(RunDiagnostics.stepKey(pattern.id(),
          pattern.definition().steps().get(i).name()));
      conditions.add(pattern.condition(i));
    }
  }

  @Override
  public void open(OpenContext openContext) {
    errors = RunDiagnostics.tally(getRuntimeContext(), RunDiagnostics.CONDITION_ERRORS);
  }

  @Override
  public void flatMap(JourneyEvent value, Collector<JourneyEvent> out) {
    for (int i = 0; i < conditions.size(); i++) {
      if (conditions.get(i).readsSteps()) {
        // Judged per partial match with what earlier steps took; StepCondition counts its errors.
        continue;
      }
      try {
        conditions.get(i).evaluate(value.getEvent(), value.getProfile());
      } catch (ConditionEvaluationException e) {
        errors.add(StepCondition.sample(stepKeys.get(i), value, e));
      }
    }
  }
}
