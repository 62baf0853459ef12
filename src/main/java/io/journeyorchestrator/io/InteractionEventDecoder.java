package io.journeyorchestrator.io;

import io.journeyorchestrator.io.MalformedEventException.Reason;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.config.JobSettings.InputFormat;
import io.journeyorchestrator.io.registry.RegistryAvroDecoder;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.metrics.MetricGroup;

/**
 * Decodes the value of an events-topic record into an {@link InteractionEvent} and checks it
 * can safely enter the job. Avro values use single-object encoding (header, schema fingerprint,
 * binary) and are resolved from whichever known version wrote them; registry-avro values carry
 * a schema id and are resolved from the writer schema the registry has for it ({@link
 * RegistryAvroDecoder}); JSON values use the replay format. Anything wrong becomes a {@link
 * MalformedEventException} with a readable reason.
 */
public final class InteractionEventDecoder implements Serializable {
  public static final int MAX_VALUE_BYTES = 1 << 20;

  private final InputFormat format;
  private final long maxFutureSkewMillis;
  private final List<String> writerSchemas;
  /** Null unless the format is registry-avro. */
  private final RegistryAvroDecoder registry;
  private transient BinaryMessageDecoder<InteractionEvent> avro;

  public InteractionEventDecoder(InputFormat format, Duration maxFutureSkew) {
    this(format, maxFutureSkew, SchemaHistory.versions("InteractionEvent"), null);
  }

  InteractionEventDecoder(InputFormat format, Duration maxFutureSkew, List<Schema> writerSchemas,
      RegistryAvroDecoder registry) {
    if ((format == InputFormat.REGISTRY_AVRO) != (registry != null)) {
      throw new IllegalArgumentException("a registry decoder goes with format registry-avro only");
    }
    this.format = format;
    this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    this.writerSchemas = writerSchemas.stream().map(Schema::toString).toList();
    this.registry = registry;
  }

  /** The decoder for a job's events topic, as its settings say. */
  public static InteractionEventDecoder forJob(JobSettings settings) {
    return settings.inputFormat() == InputFormat.REGISTRY_AVRO
        ? new InteractionEventDecoder(settings.inputFormat(), settings.maxFutureSkew(), List.of(),
            new RegistryAvroDecoder(settings.schemaRegistry()))
        : new InteractionEventDecoder(settings.inputFormat(), settings.maxFutureSkew());
  }

  /** Registers the decoder's metrics in the task that runs it. */
  public void open(MetricGroup metrics) {
    if (registry != null) {
      registry.open(metrics);
    }
  }

  /**
   * The event in a value, or why there is none.
   *
   * @throws InterruptedException only while waiting for the schema registry, when the task is
   *     cancelled; the record is then neither an event nor a dead letter
   */
  public InteractionEvent decode(byte[] value, Instant now)
      throws MalformedEventException, InterruptedException {
    if (value == null || value.length == 0) {
      throw new MalformedEventException(Reason.MISSING_FIELD, "empty record value");
    }
    if (value.length > MAX_VALUE_BYTES) {
      throw new MalformedEventException(Reason.OVERSIZED, "record value of " + value.length
          + " bytes is larger than the limit of " + MAX_VALUE_BYTES);
    }
    InteractionEvent event = switch (format) {
      case JSON -> JsonEventCodec.parse(new String(value, StandardCharsets.UTF_8));
      case AVRO -> decodeAvro(value);
      case REGISTRY_AVRO -> registry.decode(value);
    };
    EventIdentity.check(event);
    Instant latest = now.plusMillis(maxFutureSkewMillis);
    if (event.getTimestamp().isAfter(latest)) {
      throw new MalformedEventException(Reason.FUTURE_TIMESTAMP, "timestamp " + event.getTimestamp() + " is more than "
          + Duration.ofMillis(maxFutureSkewMillis) + " ahead of the wall clock (" + now
          + "); it would hold event time in the future (time.maxFutureSkew)");
    }
    return event;
  }

  private InteractionEvent decodeAvro(byte[] value) throws MalformedEventException {
    try {
      return avroDecoder().decode(value);
    } catch (MissingSchemaException e) {
      throw new MalformedEventException(Reason.UNKNOWN_SCHEMA, "unknown schema fingerprint: the record was written with"
          + " a schema this job does not know (" + e.getMessage() + ")");
    } catch (BadHeaderException e) {
      throw new MalformedEventException(Reason.UNDECODABLE, "not Avro single-object encoding: " + e.getMessage());
    } catch (java.io.IOException | AvroRuntimeException | IllegalArgumentException
        | IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new MalformedEventException(Reason.UNDECODABLE, "undecodable Avro body: " + e);
    }
  }

  private BinaryMessageDecoder<InteractionEvent> avroDecoder() {
    if (avro == null) {
      avro = new BinaryMessageDecoder<>(SpecificData.getForClass(InteractionEvent.class),
          InteractionEvent.getClassSchema());
      for (String writer : writerSchemas) {
        avro.addSchema(new Schema.Parser().parse(writer));
      }
    }
    return avro;
  }
}
