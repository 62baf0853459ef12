package io.journeyorchestrator.matching;

import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Runs all of the job's patterns over the customer timeline. The only seam between the topology
 * and the pattern engine, so the engine can be replaced without touching the rest of the job: an
 * engine may run the patterns as one operator or as one operator each.
 */
public interface PatternRuntime {

  /**
   * @param timeline each customer's events in event-time order, already partitioned by customer
   *     id (the output of a keyed operator keyed by {@code customerId})
   * @param patterns the job's patterns, in definition order (possibly none)
   * @return the patterns' matches, each with its last present event, still partitioned by
   *     customer
   */
  DataStream<DetectedMatch> matches(DataStream<JourneyEvent> timeline,
      List<CompiledPattern> patterns);
}
