package io.journeyorchestrator.diagnostics;

import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * The accumulators in which operators report what went wrong at run time, by name, for replay's
 * summary (and the Flink UI's accumulators tab). Metrics stay the live view; these come back
 * whole with the job's result.
 */
public final class RunDiagnostics {
  /** {@link ErrorTally} of step conditions that failed on an event, by {@link #stepKey}. */
  public static final String CONDITION_ERRORS = "conditionErrors";
  /** {@link ErrorTally} of enterWhen conditions that failed on a match, by audience id. */
  public static final String ENTER_WHEN_ERRORS = "enterWhenErrors";
  /** Long counter of events dropped as repeats of an event id within the dedup window. */
  public static final String DUPLICATES_DROPPED = "duplicatesDropped";
  /** Events of types nothing in the job uses, dropped before the customer timeline. */
  public static final String UNUSED_EVENTS_DROPPED = "unusedEventsDropped";

  private RunDiagnostics() {}

  public static String stepKey(String patternId, String stepName) {
    return patternId + "/" + stepName;
  }

  /**
   * The task's tally of that name, registered on first use. Flink keeps one accumulator per name
   * and task, and operators chained into one task (several patterns) share it.
   */
  public static ErrorTally tally(RuntimeContext context, String name) {
    Accumulator<?, ?> existing = context.getAccumulator(name);
    if (existing instanceof ErrorTally tally) {
      return tally;
    }
    ErrorTally tally = new ErrorTally();
    context.addAccumulator(name, tally);
    return tally;
  }
}
