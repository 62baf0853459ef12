package io.journeyorchestrator.pattern;

import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Runs one pattern over the customer timeline. The only seam between the topology and the
 * pattern engine, so the engine can be replaced without touching the rest of the job.
 */
public interface PatternRuntime {

  /**
   * @param timeline each customer's events in event-time order, already partitioned by customer
   *     id (the output of a keyed operator keyed by {@code customerId})
   * @return the pattern's matches, each with its last present event
   */
  DataStream<DetectedMatch> matches(DataStream<JourneyEvent> timeline, CompiledPattern pattern);
}
