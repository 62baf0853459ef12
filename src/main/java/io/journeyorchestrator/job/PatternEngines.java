package io.journeyorchestrator.job;

import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.engine.JourneyEngineRuntime;
import io.journeyorchestrator.matching.PatternRuntime;
import io.journeyorchestrator.pattern.CepPatternRuntime;

/** The pattern engine a job folder asks for ({@code engine:} in job.yaml). */
final class PatternEngines {
  private PatternEngines() {}

  /** For the Kafka job. */
  static PatternRuntime of(JobSettings settings) {
    return settings.engine() == JobSettings.Engine.JOURNEY
        ? new JourneyEngineRuntime()
        : new CepPatternRuntime();
  }

  /** For replay, whose summary reports condition errors per step (CEP needs a probe for it). */
  static PatternRuntime forReplay(JobSettings settings) {
    return forReplay(settings, null, false);
  }

  /**
   * @param tracedCustomer whose partial matches the journey engine describes, or null
   * @param stepFunnels whether the journey engine records step funnels (replay's report)
   */
  static PatternRuntime forReplay(JobSettings settings, String tracedCustomer,
      boolean stepFunnels) {
    return settings.engine() == JobSettings.Engine.JOURNEY
        ? new JourneyEngineRuntime(tracedCustomer, stepFunnels)
        : CepPatternRuntime.probingConditions();
  }
}
