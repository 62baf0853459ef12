package io.journeyorchestrator.pattern;

import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.internal.avro.JourneyEvent;
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
    // CEP gives conditions no accumulators: replay counts their errors per event in a probe
    // beside the pattern (StepConditionProbe).
    return test(condition, value, conditionErrors, null, null);
  }

  /**
   * @param examples where to report the error with its event for replay's summary, or null
   * @param key the pattern's step as {@code examples} knows it
   */
  static boolean test(Condition condition, JourneyEvent value, Counter errors,
      ErrorTally examples, String key) {
    try {
      return condition.evaluate(value.getEvent(), value.getProfile());
    } catch (ConditionEvaluationException e) {
      if (errors != null) {
        errors.inc();
      }
      if (examples != null) {
        examples.add(sample(key, value, e));
      }
      return false;
    }
  }

  static ErrorTally.Sample sample(String key, JourneyEvent value, ConditionEvaluationException e) {
    return new ErrorTally.Sample(key, value.getEvent().getTimestamp().toEpochMilli(),
        value.getEvent().getEventId(), e.reason());
  }
}
