package io.journeyorchestrator.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one output record to Kafka: key {@code customerId} (so each customer's records stay in
 * order in one partition), value in Avro single-object encoding, a {@value #TYPE_HEADER} header
 * naming the record's schema, and the write time as record timestamp (event times are fields).
 */
public final class KafkaOutputSerializer<T extends SpecificRecordBase>
    implements KafkaRecordSerializationSchema<T> {
  public static final String TYPE_HEADER = "record-type";

  private final String topic;
  private final Class<T> type;
  private final String[] keyPath;
  private transient BinaryMessageEncoder<T> encoder;

  /** @param keyField the record's field holding the key, dotted if nested; null for no key */
  public KafkaOutputSerializer(String topic, Class<T> type, String keyField) {
    this.topic = topic;
    this.type = type;
    this.keyPath = keyField == null ? null : keyField.split("\\.");
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context,
      Long timestamp) {
    if (encoder == null) {
      SpecificData data = SpecificData.getForClass(type);
      encoder = new BinaryMessageEncoder<>(data, record.getSchema());
    }
    byte[] value;
    try {
      ByteBuffer buffer = encoder.encode(record);
      value = new byte[buffer.remaining()];
      buffer.get(value);
    } catch (IOException e) {
      throw new UncheckedIOException("Avro encoding of an output record failed", e);
    }
    Object key = keyPath == null ? null : field(record, keyPath);
    // No record timestamp: Kafka then stamps the write time. Event time would let the broker's
    // retention delete decisions about old events (a backfill, a replayed topic) at once.
    ProducerRecord<byte[], byte[]> producerRecord = new ProducerRecord<>(topic, null, null,
        key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8), value);
    producerRecord.headers().add(TYPE_HEADER,
        record.getSchema().getFullName().getBytes(StandardCharsets.UTF_8));
    return producerRecord;
  }

  /** A field of the record, or of a nested record for a dotted path ("event.customerId"). */
  private static Object field(SpecificRecordBase record, String[] path) {
    Object value = record;
    for (String name : path) {
      value = ((SpecificRecordBase) value).get(name);
    }
    return value;
  }
}
