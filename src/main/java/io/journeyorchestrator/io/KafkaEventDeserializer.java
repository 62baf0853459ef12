package io.journeyorchestrator.io;

import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.internal.avro.DecodedInput;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every events-topic record into either an event or a dead letter. It never throws: one
 * bad record must not stop the job, and the dead letter keeps topic, partition, offset, the reason
 * and the raw bytes, enough to inspect and replay it.
 */
public final class KafkaEventDeserializer implements KafkaRecordDeserializationSchema<DecodedInput> {
  static final int MAX_PAYLOAD_BYTES = 512 * 1024;

  private final InteractionEventDecoder decoder;
  private final Clock clock;
  private transient Map<MalformedEventException.Reason, Counter> deadLetters;

  public KafkaEventDeserializer(InteractionEventDecoder decoder) {
    this(decoder, Clock.systemUTC());
  }

  KafkaEventDeserializer(InteractionEventDecoder decoder, Clock clock) {
    this.decoder = decoder;
    this.clock = clock;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    deadLetters = new EnumMap<>(MalformedEventException.Reason.class);
    MetricGroup group = context.getMetricGroup().addGroup("deadLetters");
    for (MalformedEventException.Reason reason : MalformedEventException.Reason.values()) {
      deadLetters.put(reason, group.counter(reason.metricName()));
    }
    decoder.open(context.getMetricGroup());
  }

  /**
   * @throws InterruptedIOException when the task is cancelled while the decoder waits for the
   *     schema registry: the record is re-read after the restart, not dead-lettered
   */
  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedInput> out)
      throws InterruptedIOException {
    DecodedInput input;
    try {
      input = decode(record, clock.instant());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("cancelled while decoding " + record.topic() + "/"
          + record.partition() + "/" + record.offset());
    }
    out.collect(input);
  }

  /**
   * Only decoding sits inside the try: operators chained after the source run inside
   * {@code out.collect}, and their failures must fail the task (and recover from the last
   * checkpoint), not turn the record into a dead letter.
   */
  private DecodedInput decode(ConsumerRecord<byte[], byte[]> record, Instant now)
      throws InterruptedException {
    try {
      return new DecodedInput(decoder.decode(record.value(), now), null);
    } catch (MalformedEventException e) {
      count(e.reason());
      return new DecodedInput(null, deadLetter(record, e.getMessage(), now));
    } catch (RuntimeException e) {
      count(MalformedEventException.Reason.UNDECODABLE);
      return new DecodedInput(null, deadLetter(record, "cannot decode: " + e, now));
    }
  }

  private void count(MalformedEventException.Reason reason) {
    if (deadLetters != null) {
      deadLetters.get(reason).inc();
    }
  }

  static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, String error, Instant at) {
    byte[] value = record.value() == null ? new byte[0] : record.value();
    if (value.length > MAX_PAYLOAD_BYTES) {
      // The dead letter must itself fit in a Kafka record; the offset locates the original.
      error = error + " (payload truncated to its first " + MAX_PAYLOAD_BYTES + " of "
          + value.length + " bytes)";
      value = Arrays.copyOf(value, MAX_PAYLOAD_BYTES);
    }
    return DeadLetter.newBuilder()
        .setSource(record.topic() + "/" + record.partition() + "/" + record.offset())
        .setError(error)
        .setPayload(ByteBuffer.wrap(value))
        .setAt(at)
        .build();
  }

  @Override
  public TypeInformation<DecodedInput> getProducedType() {
    return new AvroTypeInfo<>(DecodedInput.class);
  }
}
