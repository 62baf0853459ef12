package io.journeyorchestrator.pattern;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  public boolean filter(JourneyEvent value, Context<JourneyEvent> ctx) throws Exception {
    // CEP gives conditions no accumulators: replay counts their errors per event in a probe
    // beside the pattern (StepConditionProbe).
    if (!condition.readsSteps()) {
      return test(condition, value, conditionErrors, null, null);
    }
    // steps.<name>: what the earlier steps of this partial match took, as CEP's context has it.
    Map<String, List<InteractionEvent>> steps = new HashMap<>();
    for (String step : condition.stepsNamed()) {
      List<InteractionEvent> taken = new ArrayList<>();
      for (JourneyEvent event : ctx.getEventsForPattern(step)) {
        taken.add(event.getEvent());
      }
      if (taken.isEmpty()) {
        // Not taken by this partial match (yet): CEP also asks while a step's first event is
        // being taken, with the partial match as it was before it.
        return false;
      }
      steps.put(step, taken);
    }
    try {
      return condition.evaluate(value.getEvent(), value.getProfile(), steps);
    } catch (ConditionEvaluationException e) {
      conditionErrors.inc();
      return false;
    }
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
