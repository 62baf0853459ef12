package io.journeyorchestrator.pattern;

import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.matching.MatchBuilder;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * A pattern of one step taken once: every event passing the condition is a match. Needs no NFA
 * and no state, so "on this event" rules stay as cheap as a filter.
 */
final class SingleEventMatchFunction extends RichFlatMapFunction<JourneyEvent, DetectedMatch> {
  private final String patternId;
  private final String stepName;
  private final Condition condition;
  private final String stepKey;
  private transient Counter matches;
  private transient Counter conditionErrors;
  private transient ErrorTally conditionErrorExamples;

  SingleEventMatchFunction(String patternId, String stepName, Condition condition) {
    this.patternId = patternId;
    this.stepName = stepName;
    this.condition = condition;
    this.stepKey = RunDiagnostics.stepKey(patternId, stepName);
  }

  @Override
  public void open(OpenContext openContext) {
    matches = PatternMetrics.matches(getRuntimeContext(), patternId);
    conditionErrors = PatternMetrics.conditionErrors(getRuntimeContext(), patternId, stepName);
    conditionErrorExamples =
        RunDiagnostics.tally(getRuntimeContext(), RunDiagnostics.CONDITION_ERRORS);
  }

  @Override
  public void flatMap(JourneyEvent value, Collector<DetectedMatch> out) {
    if (StepCondition.test(condition, value, conditionErrors, conditionErrorExamples, stepKey)) {
      matches.inc();
      out.collect(MatchBuilder.build(patternId, List.of(value), null));
    }
  }
}
