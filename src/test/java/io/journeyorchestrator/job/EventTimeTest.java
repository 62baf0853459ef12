package io.journeyorchestrator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.internal.avro.DecodedInput;
import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.Channel;
import java.util.Map;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one watermark strategy: what moves event time, and what cannot hold it back. */
class EventTimeTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final ManualClock clock = new ManualClock();
  private final Output output = new Output();
  private JobSettings settings; // the demo job: 30 s out-of-orderness, idle after 1 min

  @BeforeEach
  void load() throws Exception {
    settings = JobLoader.load(Path.of("jobs/telecom-demo")).settings();
  }

  @Test
  void shouldTrailTheLatestEventByTheOutOfOrderness() {
    WatermarkGenerator<DecodedInput> generator = generator();
    emit(generator, event(T0.plusSeconds(90)));
    emit(generator, event(T0)); // out of order: does not move it back
    assertThat(output.watermarks).last()
        .isEqualTo(T0.plusSeconds(60).toEpochMilli() - 1);
    assertThat(output.idle).isFalse();
  }

  @Test
  void shouldTurnASplitThatDeliversOnlyDeadLettersIdle() {
    WatermarkGenerator<DecodedInput> generator = generator();
    emit(generator, event(T0));
    for (int second = 0; second <= 120; second++) {
      clock.advanceTime(Duration.ofSeconds(1));
      emit(generator, deadLetter());
    }
    assertThat(output.idle).as("idle after a minute of nothing but dead letters").isTrue();
    assertThat(output.watermarks).as("dead letters never move event time").allMatch(
        w -> w == T0.minusSeconds(30).toEpochMilli() - 1);
  }

  @Test
  void shouldStayActiveWhileEventsArrive() {
    WatermarkGenerator<DecodedInput> generator = generator();
    for (int second = 0; second <= 120; second++) {
      clock.advanceTime(Duration.ofSeconds(1));
      emit(generator, second % 10 == 0 ? event(T0.plusSeconds(second)) : deadLetter());
    }
    assertThat(output.idle).isFalse();
  }

  @Test
  void shouldGiveDeadLettersNoEventTime() {
    TimestampAssigner<DecodedInput> assigner =
        EventTime.ofDecoded(settings).createTimestampAssigner(null);
    assertThat(assigner.extractTimestamp(deadLetter(), 42L)).isEqualTo(EventTime.NONE);
    assertThat(assigner.extractTimestamp(event(T0), 42L)).isEqualTo(T0.toEpochMilli());
  }

  private WatermarkGenerator<DecodedInput> generator() {
    WatermarkStrategy<DecodedInput> strategy = EventTime.ofDecoded(settings);
    return strategy.createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
      @Override
      public MetricGroup getMetricGroup() {
        return new UnregisteredMetricsGroup();
      }

      @Override
      public RelativeClock getInputActivityClock() {
        return clock;
      }
    });
  }

  private void emit(WatermarkGenerator<DecodedInput> generator, DecodedInput input) {
    long time = EventTime.ofDecoded(settings).createTimestampAssigner(null)
        .extractTimestamp(input, 0L);
    generator.onEvent(input, time, output);
    generator.onPeriodicEmit(output);
  }

  private static DecodedInput event(Instant time) {
    InteractionEvent event = InteractionEvent.newBuilder().setEventId("e-" + time.toEpochMilli())
        .setCustomerId("alice").setTimestamp(time).setType("page.view").setChannel(Channel.WEB)
        .setAttributes(Map.of()).build();
    return DecodedInput.newBuilder().setEvent(event).build();
  }

  private static DecodedInput deadLetter() {
    return DecodedInput.newBuilder().setDeadLetter(DeadLetter.newBuilder()
        .setSource("events/0/1").setError("not Avro single-object encoding")
        .setPayload(ByteBuffer.wrap(new byte[] {1})).setAt(T0).build()).build();
  }

  private static final class Output implements WatermarkOutput {
    final List<Long> watermarks = new ArrayList<>();
    boolean idle;

    @Override
    public void emitWatermark(Watermark watermark) {
      watermarks.add(watermark.getTimestamp());
      idle = false;
    }

    @Override
    public void markIdle() {
      idle = true;
    }

    @Override
    public void markActive() {
      idle = false;
    }
  }
}
