package io.journeyorchestrator.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobSettings.InputFormat;
import io.journeyorchestrator.internal.avro.DecodedInput;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Events-topic records become events or dead letters; failures after the source stay failures. */
class KafkaEventDeserializerTest {
  private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
  private final KafkaEventDeserializer deserializer = new KafkaEventDeserializer(
      new InteractionEventDecoder(InputFormat.AVRO, Duration.ofHours(1)),
      Clock.fixed(NOW, ZoneOffset.UTC));

  private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
    return new ConsumerRecord<>("events", 3, offset, "alice".getBytes(), value);
  }

  private static byte[] validValue() throws Exception {
    ByteBuffer buffer = InteractionEvent.newBuilder().setEventId("e1").setCustomerId("alice")
        .setTimestamp(NOW).setType("call.inbound").setChannel(Channel.CALL_CENTER)
        .setAttributes(Map.of()).build().toByteBuffer();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static final class ListCollector implements Collector<DecodedInput> {
    final List<DecodedInput> collected = new ArrayList<>();

    @Override
    public void collect(DecodedInput record) {
      collected.add(record);
    }

    @Override
    public void close() {}
  }

  @Test
  void shouldTurnAnUndecodableValueIntoADeadLetterWithItsSource() {
    ListCollector out = new ListCollector();
    deserializer.deserialize(record(41, "hello".getBytes()), out);

    assertThat(out.collected).singleElement().satisfies(input -> {
      assertThat(input.getEvent()).isNull();
      assertThat(input.getDeadLetter().getSource()).isEqualTo("events/3/41");
      assertThat(input.getDeadLetter().getAt()).isEqualTo(NOW);
    });
  }

  @Test
  void shouldPassDecodedEventsOn() throws Exception {
    ListCollector out = new ListCollector();
    deserializer.deserialize(record(7, validValue()), out);

    assertThat(out.collected).singleElement()
        .satisfies(input -> assertThat(input.getEvent().getEventId()).isEqualTo("e1"));
  }

  @Test
  void shouldLetAFailureOfAChainedOperatorFailTheTaskInsteadOfDeadLetteringTheRecord()
      throws Exception {
    // Operators chained to the source run inside collect(); a failure there is not bad input.
    List<DecodedInput> seen = new ArrayList<>();
    Collector<DecodedInput> failing = new Collector<>() {
      @Override
      public void collect(DecodedInput record) {
        seen.add(record);
        throw new IllegalStateException("downstream operator failed");
      }

      @Override
      public void close() {}
    };

    assertThatThrownBy(() -> deserializer.deserialize(record(7, validValue()), failing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("downstream operator failed");
    assertThat(seen).singleElement().satisfies(input -> assertThat(input.getDeadLetter()).isNull());
  }
}
