package io.journeyorchestrator.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobSettings.InputFormat;
import io.journeyorchestrator.config.SchemaRegistrySettings;
import io.journeyorchestrator.io.registry.ConfluentWireFormat;
import io.journeyorchestrator.internal.avro.DecodedInput;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.UserCodeClassLoader;
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
  void shouldTurnAnUndecodableValueIntoADeadLetterWithItsSource() throws Exception {
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

  /** Counters by dotted name, e.g. {@code schemaRegistry.failures}. */
  private static final class CapturedMetrics extends UnregisteredMetricsGroup {
    final Map<String, Counter> counters;
    private final String prefix;

    CapturedMetrics() {
      this(new HashMap<>(), "");
    }

    private CapturedMetrics(Map<String, Counter> counters, String prefix) {
      this.counters = counters;
      this.prefix = prefix;
    }

    @Override
    public Counter counter(String name) {
      return counters.computeIfAbsent(prefix + name, n -> new SimpleCounter());
    }

    @Override
    public MetricGroup addGroup(String name) {
      return new CapturedMetrics(counters, prefix + name + ".");
    }

    DeserializationSchema.InitializationContext context() {
      return new DeserializationSchema.InitializationContext() {
        @Override
        public MetricGroup getMetricGroup() {
          return CapturedMetrics.this;
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
          throw new UnsupportedOperationException();
        }
      };
    }
  }

  @Test
  void shouldDeadLetterEachRecordWhileTheSchemaRegistryIsUnreachableAndCountIt()
      throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(28_090, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    SchemaRegistrySettings registry = new SchemaRegistrySettings("job.yaml",
        URI.create("http://127.0.0.1:" + closedPort), null, 10, Duration.ofMillis(500), 1);
    // Cloned as Flink ships it to the task: the settings travel, the HTTP client is made there.
    KafkaEventDeserializer registryInput = InstantiationUtil.clone(new KafkaEventDeserializer(
        InteractionEventDecoder.forJob(new io.journeyorchestrator.config.JobSettings("j", "b",
            null, null, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1),
            Duration.ofMinutes(1), InputFormat.REGISTRY_AVRO, registry, null, null)),
        Clock.fixed(NOW, ZoneOffset.UTC)));
    CapturedMetrics metrics = new CapturedMetrics();
    registryInput.open(metrics.context());
    ListCollector out = new ListCollector();

    for (long offset = 0; offset < 3; offset++) {
      registryInput.deserialize(record(offset, ConfluentWireFormat.frame(1, new byte[] {2})), out);
    }

    assertThat(out.collected).hasSize(3).allSatisfy(input -> {
      assertThat(input.getEvent()).isNull();
      assertThat(input.getDeadLetter().getError()).startsWith("registry: ")
          .contains("http://127.0.0.1:" + closedPort + "/schemas/ids/1");
    });
    assertThat(out.collected).extracting(input -> input.getDeadLetter().getSource())
        .containsExactly("events/3/0", "events/3/1", "events/3/2");
    assertThat(metrics.counters.get("schemaRegistry.failures").getCount()).isEqualTo(3);
    assertThat(metrics.counters.get("schemaRegistry.failedRequests").getCount())
        .as("two attempts for the first record, none during the pause after it").isEqualTo(2);
    assertThat(metrics.counters.get("deadLetters.registry-unavailable").getCount()).isEqualTo(3);
  }
}
