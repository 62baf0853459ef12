package io.journeyorchestrator.io.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.SchemaRegistrySettings;
import io.journeyorchestrator.io.MalformedEventException;
import io.journeyorchestrator.io.MalformedEventException.Reason;
import io.journeyorchestrator.io.registry.RegistryLookupException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Values in the schema-registry wire format, written by Avro's own encoder behind the 5-byte
 * header, decode into the job's event by Avro's schema resolution, and each way one cannot
 * (wrong magic byte, unknown id, incompatible writer, registry down) is a reason of its own.
 */
class RegistryAvroDecoderTest {
  private static final Instant BEGINNING = Instant.parse("2026-03-02T12:00:00Z");
  private static final SchemaRegistrySettings SETTINGS = new SchemaRegistrySettings("job.yaml",
      URI.create("http://127.0.0.1:28081"), null, 100, Duration.ofSeconds(1), 0);
  private static final int CURRENT = 1;
  private static final int WITH_EXTRA_FIELD = 2;
  private static final int WITHOUT_ATTRIBUTES = 3;
  private static final int WITHOUT_CUSTOMER = 4;

  private final Map<Integer, String> registered = new HashMap<>();
  private final List<Integer> lookups = new ArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private RegistryLookupException down;
  private Instant now = BEGINNING;
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  private final SchemaSource registry = id -> {
    lookups.add(id);
    if (down != null) {
      throw down;
    }
    String schema = registered.get(id);
    if (schema == null) {
      throw new RegistryLookupException(Kind.NOT_FOUND, "registry: schema id " + id
          + " not found at http://127.0.0.1:28081/schemas/ids/" + id + " (HTTP 404)");
    }
    return schema;
  };

  private final RegistryAvroDecoder decoder = new RegistryAvroDecoder(SETTINGS,
      new WriterSchemas(registry, 2, clock, failures::incrementAndGet));

  RegistryAvroDecoderTest() {
    Schema current = InteractionEvent.getClassSchema();
    registered.put(CURRENT, current.toString());
    registered.put(WITH_EXTRA_FIELD, withFields(current, List.of(), new Schema.Field(
        "sessionId", Schema.create(Schema.Type.STRING))).toString());
    registered.put(WITHOUT_ATTRIBUTES, withFields(current, List.of("attributes")).toString());
    registered.put(WITHOUT_CUSTOMER, withFields(current, List.of("customerId")).toString());
  }

  /** The event record with some fields dropped and others added, as another producer has it. */
  private static Schema withFields(Schema schema, List<String> dropped, Schema.Field... added) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      if (!dropped.contains(field.name())) {
        fields.add(new Schema.Field(field, field.schema()));
      }
    }
    fields.addAll(List.of(added));
    return Schema.createRecord(schema.getName(), null, schema.getNamespace(), false, fields);
  }

  private static InteractionEvent event(String eventId) {
    return InteractionEvent.newBuilder().setEventId(eventId).setCustomerId("alice")
        .setTimestamp(BEGINNING).setType("payment.failed").setChannel(Channel.PAYMENT)
        .setAttributes(Map.of("amount", 42L)).build();
  }

  /** What a registry serializer writes: header, then Avro binary of the writer schema. */
  private static byte[] wire(int schemaId, InteractionEvent event) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
    new SpecificDatumWriter<>(InteractionEvent.class).write(event, encoder);
    encoder.flush();
    return ConfluentWireFormat.frame(schemaId, body.toByteArray());
  }

  private byte[] wire(int schemaId, GenericRecord record) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return ConfluentWireFormat.frame(schemaId, body.toByteArray());
  }

  /** The event as a producer with writer schema {@code id} has it, {@code extra} fields added. */
  private GenericRecord written(int id, Map<String, Object> extra) {
    Schema writer = new Schema.Parser().parse(registered.get(id));
    GenericRecord record = new GenericData.Record(writer);
    InteractionEvent event = event("e1");
    for (Schema.Field field : writer.getFields()) {
      Object value = extra.containsKey(field.name()) ? extra.get(field.name())
          : event.get(field.name());
      if (value instanceof Instant instant) {
        value = instant.toEpochMilli();
      } else if (value instanceof Channel channel) {
        value = new GenericData.EnumSymbol(field.schema(), channel.name());
      }
      record.put(field.name(), value);
    }
    return record;
  }

  private Reason reasonOf(byte[] value) throws InterruptedException {
    try {
      decoder.decode(value);
    } catch (MalformedEventException e) {
      return e.reason();
    }
    throw new AssertionError("decoded");
  }

  @Test
  void shouldDecodeWhatARegistrySerializerWrites() throws Exception {
    assertThat(decoder.decode(wire(CURRENT, event("e1")))).isEqualTo(event("e1"));
  }

  @Test
  void shouldLookUpEachSchemaIdOnce() throws Exception {
    decoder.decode(wire(CURRENT, event("e1")));
    decoder.decode(wire(CURRENT, event("e2")));
    decoder.decode(wire(WITH_EXTRA_FIELD, written(WITH_EXTRA_FIELD, Map.of("sessionId", "s"))));
    decoder.decode(wire(CURRENT, event("e3")));

    assertThat(lookups).containsExactly(CURRENT, WITH_EXTRA_FIELD);
  }

  @Test
  void shouldKeepOnlyAsManySchemasAsTheCacheHolds() throws Exception {
    decoder.decode(wire(CURRENT, event("e1")));
    decoder.decode(wire(WITH_EXTRA_FIELD, written(WITH_EXTRA_FIELD, Map.of("sessionId", "s"))));
    decoder.decode(wire(WITHOUT_ATTRIBUTES, written(WITHOUT_ATTRIBUTES, Map.of())));
    decoder.decode(wire(CURRENT, event("e2")));

    // A cache of 2: the third id evicted the first, which is looked up again.
    assertThat(lookups).containsExactly(CURRENT, WITH_EXTRA_FIELD, WITHOUT_ATTRIBUTES, CURRENT);
  }

  @Test
  void shouldDropAFieldTheJobDoesNotKnow() throws Exception {
    InteractionEvent decoded = decoder.decode(
        wire(WITH_EXTRA_FIELD, written(WITH_EXTRA_FIELD, Map.of("sessionId", "s-1"))));

    assertThat(decoded).isEqualTo(event("e1"));
  }

  @Test
  void shouldFillAMissingFieldWithTheReaderDefault() throws Exception {
    InteractionEvent decoded =
        decoder.decode(wire(WITHOUT_ATTRIBUTES, written(WITHOUT_ATTRIBUTES, Map.of())));

    assertThat(decoded.getAttributes()).isEmpty();
    assertThat(decoded.getEventId()).isEqualTo("e1");
  }

  @Test
  void shouldDeadLetterAWriterSchemaWithoutAFieldTheJobNeeds() throws Exception {
    byte[] value = wire(WITHOUT_CUSTOMER, written(WITHOUT_CUSTOMER, Map.of()));

    assertThatThrownBy(() -> decoder.decode(value))
        .isInstanceOf(MalformedEventException.class)
        .hasMessage("registry: schema id 4 (io.journeyorchestrator.avro.InteractionEvent) cannot"
            + " be read as io.journeyorchestrator.avro.InteractionEvent:"
            + " READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: customerId")
        .extracting(e -> ((MalformedEventException) e).reason())
        .isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
    // An id's schema never changes: the verdict is kept, not asked for again.
    assertThat(reasonOf(value)).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
    assertThat(lookups).containsExactly(WITHOUT_CUSTOMER);
    assertThat(failures).hasValue(0);
  }

  @Test
  void shouldDeadLetterAnUnknownSchemaIdAndAskAgainForTheNextRecord() throws Exception {
    byte[] value = wire(42, event("e1"));

    assertThatThrownBy(() -> decoder.decode(value))
        .hasMessage("registry: schema id 42 not found at http://127.0.0.1:28081/schemas/ids/42"
            + " (HTTP 404)")
        .extracting(e -> ((MalformedEventException) e).reason())
        .isEqualTo(Reason.UNKNOWN_SCHEMA);
    registered.put(42, InteractionEvent.getClassSchema().toString());
    assertThat(decoder.decode(value)).isEqualTo(event("e1"));
    assertThat(failures).hasValue(1);
  }

  @Test
  void shouldRejectValuesNotInTheWireFormat() throws Exception {
    byte[] singleObject = event("e1").toByteBuffer().array();

    assertThatThrownBy(() -> decoder.decode(singleObject))
        .hasMessageStartingWith("not the schema-registry wire format: magic byte 0xC3, expected"
            + " 0x00")
        .extracting(e -> ((MalformedEventException) e).reason())
        .isEqualTo(Reason.UNDECODABLE);
    assertThat(reasonOf("{}".getBytes())).isEqualTo(Reason.UNDECODABLE);
    assertThat(reasonOf(new byte[] {0, 0, 0, 1})).isEqualTo(Reason.UNDECODABLE);
    byte[] truncated = java.util.Arrays.copyOf(wire(CURRENT, event("e1")), 9);
    assertThat(reasonOf(truncated)).isEqualTo(Reason.UNDECODABLE);
    assertThat(lookups).containsExactly(CURRENT);
  }

  @Test
  void shouldDeadLetterEveryRecordOfAnOutageWithoutWaitingForTheRegistryEachTime()
      throws Exception {
    decoder.decode(wire(CURRENT, event("cached")));
    down = new RegistryLookupException(Kind.UNAVAILABLE,
        "registry: unreachable at http://127.0.0.1:28081/schemas/ids/2 (ConnectException)"
            + " (after 3 attempts)");
    byte[] uncached = wire(WITH_EXTRA_FIELD, written(WITH_EXTRA_FIELD, Map.of("sessionId", "s")));

    assertThatThrownBy(() -> decoder.decode(uncached))
        .hasMessage(down.getMessage())
        .extracting(e -> ((MalformedEventException) e).reason())
        .isEqualTo(Reason.REGISTRY_UNAVAILABLE);
    now = now.plusSeconds(5);
    assertThatThrownBy(() -> decoder.decode(uncached))
        .hasMessage("registry: schema id 2 not looked up: the registry was unavailable at the"
            + " last lookup, asked again from 2026-03-02T12:00:10Z (" + down.getMessage() + ")")
        .extracting(e -> ((MalformedEventException) e).reason())
        .isEqualTo(Reason.REGISTRY_UNAVAILABLE);
    assertThat(decoder.decode(wire(CURRENT, event("still-decodes"))).getEventId())
        .isEqualTo("still-decodes");
    assertThat(lookups).containsExactly(CURRENT, WITH_EXTRA_FIELD);
    assertThat(failures).as("one per dead letter the registry caused").hasValue(2);

    down = null;
    now = BEGINNING.plus(WriterSchemas.OUTAGE_PAUSE);
    assertThat(decoder.decode(uncached).getEventId()).isEqualTo("e1");
    assertThat(lookups).containsExactly(CURRENT, WITH_EXTRA_FIELD, WITH_EXTRA_FIELD);
  }
}
