package io.journeyorchestrator.job;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobSettings;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** The job's notion of event time, shared by every source. */
public final class EventTime {
  private EventTime() {}

  /**
   * Bounded out-of-orderness from {@code time.maxOutOfOrderness}; a source split (a Kafka
   * partition) silent for {@code time.idleTimeout} stops holding the watermark back.
   */
  public static WatermarkStrategy<InteractionEvent> watermarks(JobSettings settings) {
    return WatermarkStrategy.<InteractionEvent>forBoundedOutOfOrderness(
            settings.maxOutOfOrderness())
        .withTimestampAssigner((event, previous) -> event.getTimestamp().toEpochMilli())
        .withIdleness(settings.idleTimeout());
  }
}
