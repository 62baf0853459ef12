package io.journeyorchestrator.pattern;

import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.job.JobState;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * "Each event is used in at most one match of this pattern" (afterMatch: skip-past-last-event),
 * applied to matches in the order they complete. Flink CEP's own skip strategies hold a completed
 * match back while an earlier-started partial match is open and release it after event time has
 * passed its end, which would let audiences apply it out of end-time order; so CEP runs without
 * skipping and this operator keeps a match only if it starts after the last event of the last
 * match it kept.
 *
 * <p>State: the end of the last kept match, cleared by a timer once no match can reach back to
 * it ({@code within} later).
 */
final class SkipPastLastEventFunction
    extends KeyedProcessFunction<String, DetectedMatch, DetectedMatch> {
  private final long withinMillis;
  private transient ValueState<Long> lastKeptEnd;

  SkipPastLastEventFunction(Duration within) {
    this.withinMillis = within.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    lastKeptEnd = getRuntimeContext().getState(JobState.lastKeptMatchEndDescriptor());
  }

  @Override
  public void processElement(DetectedMatch match, Context ctx, Collector<DetectedMatch> out)
      throws Exception {
    long start = match.getMatch().getStartTime().toEpochMilli();
    Long lastEnd = lastKeptEnd.value();
    // Events of one customer at one instant are ordered by id (the customer timeline releases
    // them so); a match starting at the last kept end instant may reuse that event, so it is
    // only kept when its first event is strictly later.
    if (lastEnd != null && start <= lastEnd) {
      return;
    }
    long end = lastEventTime(match);
    lastKeptEnd.update(end);
    ctx.timerService().registerEventTimeTimer(end + withinMillis);
    out.collect(match);
  }

  private static long lastEventTime(DetectedMatch match) {
    return match.getLastEvent().getEvent().getTimestamp().toEpochMilli();
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DetectedMatch> out)
      throws Exception {
    Long lastEnd = lastKeptEnd.value();
    if (lastEnd != null && lastEnd + withinMillis <= timestamp) {
      lastKeptEnd.clear();
    }
  }
}
