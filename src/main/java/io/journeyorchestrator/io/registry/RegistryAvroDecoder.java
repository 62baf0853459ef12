package io.journeyorchestrator.io.registry;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.InvalidJobException;
import io.journeyorchestrator.config.SchemaRegistrySettings;
import io.journeyorchestrator.io.MalformedEventException;
import io.journeyorchestrator.io.MalformedEventException.Reason;
import java.io.IOException;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/**
 * Decodes values in the schema-registry wire format ({@link ConfluentWireFormat}) into the job's
 * {@link InteractionEvent}, with the writer schema fetched by id from the job's registry
 * ({@link WriterSchemas}). Every way a value can fail, the registry's included, is a {@link
 * MalformedEventException}, so each such record becomes its own dead letter.
 *
 * <p>Serializable for the source's deserializer; the HTTP client and the cache are created in
 * the task on first use, where the registry's credentials are read too.
 *
 * <p>Metrics, in group {@code schemaRegistry}: {@code failures} (records whose writer schema the
 * registry did not give: not found, unavailable, refused), {@code failedRequests} (HTTP attempts
 * that failed, retries included), {@code cachedSchemas}.
 */
public final class RegistryAvroDecoder implements Serializable {
  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

  private final SchemaRegistrySettings settings;
  private transient WriterSchemas schemas;
  private transient Counter failures;
  private transient Counter failedRequests;
  private transient BinaryDecoder reuse;

  public RegistryAvroDecoder(SchemaRegistrySettings settings) {
    this.settings = settings;
  }

  /** With its writer schemas given, e.g. from a fixed set. */
  RegistryAvroDecoder(SchemaRegistrySettings settings, WriterSchemas schemas) {
    this(settings);
    this.schemas = schemas;
  }

  /** Registers the metrics; without it (tests, tools) they count nowhere. */
  public void open(MetricGroup metrics) {
    MetricGroup group = metrics.addGroup("schemaRegistry");
    failures = group.counter("failures");
    failedRequests = group.counter("failedRequests");
    group.gauge("cachedSchemas", () -> schemas == null ? 0L : schemas.size());
  }

  public InteractionEvent decode(byte[] value)
      throws MalformedEventException, InterruptedException {
    int id = ConfluentWireFormat.schemaId(value);
    var reader = schemas().readerFor(id);
    reuse = DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_BYTES,
        value.length - ConfluentWireFormat.HEADER_BYTES, reuse);
    try {
      return reader.read(null, reuse);
    } catch (IOException | AvroRuntimeException | IllegalArgumentException
        | IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new MalformedEventException(Reason.UNDECODABLE, "undecodable Avro body for schema id "
          + id + ": " + e);
    }
  }

  private WriterSchemas schemas() throws MalformedEventException {
    if (schemas == null) {
      if (failures == null) {
        failures = new SimpleCounter();
        failedRequests = new SimpleCounter();
      }
      Optional<String> authorization;
      try {
        authorization = settings.authorization();
      } catch (InvalidJobException e) {
        // Not cached: the secret may be mounted a moment later.
        failures.inc();
        throw new MalformedEventException(Reason.REGISTRY_UNAVAILABLE, "registry: credentials"
            + " cannot be read on this TaskManager: " + e.getMessage());
      }
      SchemaRegistryClient client = new SchemaRegistryClient(settings.url(), authorization,
          settings.requestTimeout(), settings.retries(), FIRST_BACKOFF, () -> failedRequests.inc());
      schemas = new WriterSchemas(client, settings.cacheSize(), Clock.systemUTC(),
          () -> failures.inc());
    }
    return schemas;
  }
}
