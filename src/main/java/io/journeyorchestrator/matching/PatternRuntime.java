package io.journeyorchestrator.matching;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/**
 * Runs the customer timeline and all of the job's patterns. The only seam between the topology
 * and the pattern engine, so the engine can be replaced without touching the rest of the job: an
 * engine may run the timeline as an operator of its own and the patterns as one operator each, or
 * fuse them into one.
 */
public interface PatternRuntime {

  /**
   * What the timeline and the patterns produce, every stream still partitioned by customer.
   *
   * @param matchesAndErasures the patterns' matches, each with its last present event, and the
   *     customers' erasure requests as the timeline released them ({@code ErasureRequests}), in
   *     one stream, so that an engine of one operator needs no union (and the audience operator
   *     can run in its thread)
   * @param lateEvents events that arrived at or behind the watermark
   */
  record Outputs(DataStream<DetectedMatch> matchesAndErasures,
      DataStream<LateEvent> lateEvents) {}

  /**
   * @param events the events the job can use, keyed by {@code customerId}
   * @param job the job (its timeline settings and audiences decide what the timeline keeps)
   * @param patterns the job's patterns, in definition order (possibly none)
   */
  Outputs run(KeyedStream<InteractionEvent, String> events, JobDefinition job,
      List<CompiledPattern> patterns);
}
