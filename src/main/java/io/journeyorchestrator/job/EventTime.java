package io.journeyorchestrator.job;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.internal.avro.DecodedInput;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * The job's notion of event time, the one watermark strategy of every source: bounded
 * out-of-orderness from {@code time.maxOutOfOrderness}, and a source split (a Kafka partition)
 * that delivers no event for {@code time.idleTimeout} stops holding the watermark back.
 *
 * <p>A record without event time (a dead letter on its way to its topic) is not activity: a
 * partition that carries only garbage turns idle like a silent one, so it cannot stall the
 * expiries and absence deadlines of the whole job.
 */
public final class EventTime<T> implements WatermarkStrategy<T> {
  /** What {@link Of} returns for a record that has no event time. */
  public static final long NONE = Long.MIN_VALUE;

  /** A record's event time in epoch milliseconds, or {@link #NONE}. */
  @FunctionalInterface
  public interface Of<T> extends Serializable {
    long millis(T record);
  }

  private final Duration maxOutOfOrderness;
  private final Duration idleTimeout;
  private final Of<T> eventTime;

  private EventTime(JobSettings settings, Of<T> eventTime) {
    this.maxOutOfOrderness = settings.maxOutOfOrderness();
    this.idleTimeout = settings.idleTimeout();
    this.eventTime = eventTime;
  }

  /** For decoded Kafka records: dead letters carry no event time. */
  public static WatermarkStrategy<DecodedInput> ofDecoded(JobSettings settings) {
    return new EventTime<>(settings, input -> input.getEvent() == null
        ? NONE : input.getEvent().getTimestamp().toEpochMilli());
  }

  public static WatermarkStrategy<InteractionEvent> ofEvents(JobSettings settings) {
    return new EventTime<>(settings, event -> event.getTimestamp().toEpochMilli());
  }

  @Override
  public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
    return (record, recordTimestamp) -> eventTime.millis(record);
  }

  @Override
  public WatermarkGenerator<T> createWatermarkGenerator(
      WatermarkGeneratorSupplier.Context context) {
    return new IgnoringRecordsWithoutTime<>(new WatermarksWithIdleness<>(
        new BoundedOutOfOrdernessWatermarks<>(maxOutOfOrderness), idleTimeout,
        context.getInputActivityClock()));
  }

  /** Passes on only records with event time, so the others neither move nor wake a split. */
  static final class IgnoringRecordsWithoutTime<T> implements WatermarkGenerator<T> {
    private final WatermarkGenerator<T> watermarks;

    IgnoringRecordsWithoutTime(WatermarkGenerator<T> watermarks) {
      this.watermarks = watermarks;
    }

    @Override
    public void onEvent(T record, long eventTimestamp, WatermarkOutput output) {
      if (eventTimestamp != NONE) {
        watermarks.onEvent(record, eventTimestamp, output);
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      watermarks.onPeriodicEmit(output);
    }
  }
}
