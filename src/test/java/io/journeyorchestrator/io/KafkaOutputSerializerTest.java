package io.journeyorchestrator.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.keyed.LateEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Output records on Kafka: keyed by customer, typed by header, decodable by tail-topic. */
class KafkaOutputSerializerTest {
  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

  @Test
  void shouldKeyALateEventByItsEventsCustomerAndDecodeItBack() throws Exception {
    InteractionEvent event = InteractionEvent.newBuilder().setEventId("e1")
        .setCustomerId("alice").setTimestamp(T0).setType("page.view").setChannel(Channel.WEB)
        .setAttributes(Map.of()).build();
    LateEvent late = LateEvents.behindWatermark(event, T0.plusSeconds(90).toEpochMilli());

    ProducerRecord<byte[], byte[]> record = new KafkaOutputSerializer<>("late", LateEvent.class,
        "event.customerId").serialize(late, null, null);

    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("alice");
    String type = new String(record.headers().lastHeader(KafkaOutputSerializer.TYPE_HEADER)
        .value(), StandardCharsets.UTF_8);
    assertThat(type).isEqualTo("io.journeyorchestrator.avro.LateEvent");
    LateEvent decoded = (LateEvent) OutputRecordDecoder.decode(type, record.value());
    assertThat(decoded).isEqualTo(late);
    assertThat(decoded.getBehindMillis()).isEqualTo(90_000);
    assertThat(decoded.getReason()).isEqualTo("behind-watermark");
  }

  @Test
  void shouldDecodeEveryRecordTypeTheSchemasFolderPublishes() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("schemas"))) {
      List<String> published = files.map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".avsc"))
          .map(name -> "io.journeyorchestrator.avro." + name.replace(".avsc", "")).toList();
      assertThat(published).contains("io.journeyorchestrator.avro.NextBestAction");
      for (String type : published) {
        assertThatThrownBy(() -> OutputRecordDecoder.decode(type, new byte[] {1}))
            .as("a decoder for %s reads the bytes (and finds them bad)", type)
            .isNotInstanceOf(IllegalStateException.class)
            .hasMessageNotContaining("unknown record type");
      }
    }
  }
}
