package io.journeyorchestrator.io;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
  /**
   * On records of a compacted topic, tombstones included: the event time the record stands for,
   * epoch milliseconds as decimal text (a tombstone has no value to say it).
   */
  public static final String EVENT_TIME_HEADER = "event-time";

  private final String topic;
  private final Class<T> type;
  private final String[] keyPath;
  private final Tombstone<T> tombstone;
  private final String[] eventTimePath;
  private transient BinaryMessageEncoder<T> encoder;

  /** Which records stand for "nothing here any more": written as a tombstone, a null value. */
  public interface Tombstone<T> extends Serializable {
    boolean test(T record);
  }

  /** @param keyField the record's field holding the key, dotted if nested; null for no key */
  public KafkaOutputSerializer(String topic, Class<T> type, String keyField) {
    this(topic, type, keyField, null, null);
  }

  private KafkaOutputSerializer(String topic, Class<T> type, String keyField,
      Tombstone<T> tombstone, String eventTimeField) {
    this.topic = topic;
    this.type = type;
    this.keyPath = keyField == null ? null : keyField.split("\\.");
    this.tombstone = tombstone;
    this.eventTimePath = eventTimeField == null ? null : eventTimeField.split("\\.");
  }

  /**
   * For a compacted topic: records that {@code tombstone} accepts are written with a null value,
   * so compaction removes the key; every record carries the {@link #EVENT_TIME_HEADER} header,
   * from {@code eventTimeField} (an Instant).
   */
  public static <T extends SpecificRecordBase> KafkaOutputSerializer<T> compacted(String topic,
      Class<T> type, String keyField, Tombstone<T> tombstone, String eventTimeField) {
    return new KafkaOutputSerializer<>(topic, type, keyField, tombstone, eventTimeField);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context,
      Long timestamp) {
    if (encoder == null) {
      SpecificData data = SpecificData.getForClass(type);
      encoder = new BinaryMessageEncoder<>(data, record.getSchema());
    }
    byte[] value = null;
    if (tombstone == null || !tombstone.test(record)) {
      value = encode(record);
    }
    Object key = keyPath == null ? null : field(record, keyPath);
    // No record timestamp: Kafka then stamps the write time. Event time would let the broker's
    // retention delete decisions about old events (a backfill, a replayed topic) at once.
    ProducerRecord<byte[], byte[]> producerRecord = new ProducerRecord<>(topic, null, null,
        key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8), value);
    producerRecord.headers().add(TYPE_HEADER,
        record.getSchema().getFullName().getBytes(StandardCharsets.UTF_8));
    if (eventTimePath != null) {
      producerRecord.headers().add(EVENT_TIME_HEADER,
          Long.toString(((Instant) field(record, eventTimePath)).toEpochMilli())
              .getBytes(StandardCharsets.UTF_8));
    }
    return producerRecord;
  }

  private byte[] encode(T record) {
    byte[] value;
    try {
      ByteBuffer buffer = encoder.encode(record);
      value = new byte[buffer.remaining()];
      buffer.get(value);
    } catch (IOException e) {
      throw new UncheckedIOException("Avro encoding of an output record failed", e);
    }
    return value;
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
