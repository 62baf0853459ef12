package io.journeyorchestrator.pattern;

import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.pattern.condition.Condition;
import io.journeyorchestrator.pattern.condition.ConditionEvaluationException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.cep.pattern.conditions.RichIterativeCondition;
import org.apache.flink.metrics.Counter;

/**
 * The CEL condition of one pattern step inside the CEP operator. A condition that fails on an
 * event counts as false for that event and is counted in the {@code conditionErrors} metric of
 * its pattern and step: one odd event must never fail the job.
 */
final class StepCondition extends RichIterativeCondition<JourneyEvent> {
  private final String patternId;
  private final String stepName;
  private final Condition condition;
  private transient Counter conditionErrors;

  StepCondition(String patternId, String stepName, Condition condition) {
    this.patternId = patternId;
    this.stepName = stepName;
    this.condition = condition;
  }

  @Override
  public void open(OpenContext openContext) {
    conditionErrors = PatternMetrics.conditionErrors(getRuntimeContext(), patternId, stepName);
  }

  @Override
  public boolean filter(JourneyEvent value, Context<JourneyEvent> ctx) {
    return test(condition, value, conditionErrors);
  }

  static boolean test(Condition condition, JourneyEvent value, Counter errors) {
    try {
      return condition.evaluate(value.getEvent(), value.getProfile());
    } catch (ConditionEvaluationException e) {
      if (errors != null) {
        errors.inc();
      }
      return false;
    }
  }
}
