package io.journeyorchestrator.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.MembershipChange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every schema in schemas/ still reads data written with each released version of itself under
 * schemas/history/, and each released version reads data written with the current one.
 */
class SchemaEvolutionTest {
  private static final Path SCHEMAS = Path.of("schemas");

  static Stream<Arguments> currentAndReleased() throws IOException {
    try (Stream<Path> histories = Files.list(SCHEMAS.resolve("history"))) {
      return histories.sorted().flatMap(history -> {
        Path current = SCHEMAS.resolve(history.getFileName() + ".avsc");
        try (Stream<Path> versions = Files.list(history)) {
          return versions.sorted().toList().stream()
              .map(version -> Arguments.of(history.getFileName() + "/" + version.getFileName(),
                  current, version));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList().stream();
    }
  }

  @Test
  void shouldKeepAReleasedVersionOfEverySchema() throws IOException {
    try (Stream<Path> schemas = Files.list(SCHEMAS)) {
      List<String> names = schemas.filter(p -> p.toString().endsWith(".avsc"))
          .map(p -> p.getFileName().toString().replace(".avsc", "")).sorted().toList();
      assertThat(names).isNotEmpty().allSatisfy(name ->
          assertThat(SCHEMAS.resolve("history").resolve(name)).isDirectoryContaining("glob:**.avsc"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("currentAndReleased")
  void shouldReadDataWrittenWithTheReleasedVersion(String name, Path current, Path released)
      throws IOException {
    Schema reader = parse(current);
    Schema writer = parse(released);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType())
        .as("current %s reading data written with %s", current, released)
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(writer, reader).getType())
        .as("released %s reading data written with the current schema", released)
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);

    GenericRecord written = sample(writer);
    GenericRecord read = roundTrip(written, writer, reader);
    for (Schema.Field field : writer.getFields()) {
      if (reader.getField(field.name()) != null) {
        assertThat(String.valueOf(read.get(field.name())))
            .isEqualTo(String.valueOf(written.get(field.name())));
      }
    }
  }

  @Test
  void shouldShowAnExtendedMembershipToAConsumerOfTheFirstVersionAsAnEntryWithItsNewExpiry()
      throws Exception {
    AudienceChange extended = AudienceChange.newBuilder()
        .setChangeId("c2").setCustomerId("alice").setAudienceId("trouble")
        .setChange(MembershipChange.ENTERED).setReason("pattern:p")
        .setEventTime(Instant.parse("2026-03-02T00:00:00Z"))
        .setExpiresAt(Instant.parse("2026-03-09T00:00:00Z"))
        .setExtended(true)
        .build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<AudienceChange>(AudienceChange.class).write(extended, encoder);
    encoder.flush();

    GenericRecord asV1Reads = new GenericDatumReader<GenericRecord>(AudienceChange.getClassSchema(),
        parse(SCHEMAS.resolve("history/AudienceChange/v1.avsc")))
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    assertThat(asV1Reads.get("change")).hasToString("ENTERED");
    assertThat(asV1Reads.get("expiresAt"))
        .isEqualTo(Instant.parse("2026-03-09T00:00:00Z").toEpochMilli());
    assertThat(asV1Reads.getSchema().getField("extended")).isNull();
  }

  @Test
  void shouldDocumentEveryField() throws IOException {
    try (Stream<Path> schemas = Files.list(SCHEMAS)) {
      for (Path file : schemas.filter(p -> p.toString().endsWith(".avsc")).toList()) {
        Schema schema = parse(file);
        assertThat(schema.getDoc()).as(file + " record doc").isNotBlank();
        assertThat(schema.getFields()).allSatisfy(f ->
            assertThat(f.doc()).as(file + " field " + f.name()).isNotBlank());
      }
    }
  }

  /** LateEvent embeds the event: it is parsed with the current InteractionEvent known. */
  private static Schema parse(Path file) throws IOException {
    Schema.Parser parser = new Schema.Parser();
    if (!file.getFileName().toString().equals("InteractionEvent.avsc")
        && !file.getParent().getFileName().toString().equals("InteractionEvent")) {
      parser.parse(SCHEMAS.resolve("InteractionEvent.avsc").toFile());
    }
    return parser.parse(file.toFile());
  }

  private static GenericRecord roundTrip(GenericRecord record, Schema writer, Schema reader)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  /** A record with a plain value in every field, enough to exercise the resolution. */
  private static GenericRecord sample(Schema schema) {
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      record.put(field.pos(), sampleValue(field.schema(), field.name()));
    }
    return record;
  }

  private static Object sampleValue(Schema schema, String name) {
    return switch (schema.getType()) {
      case STRING -> name + "-value";
      case LONG -> 1_767_225_600_000L;
      case INT -> 7;
      case DOUBLE -> 1.5;
      case BOOLEAN -> true;
      case BYTES -> java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3});
      case ENUM -> new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(0));
      case ARRAY -> List.of(sampleValue(schema.getElementType(), name));
      case MAP -> java.util.Map.of("k", sampleValue(schema.getValueType(), name));
      case UNION -> sampleValue(schema.getTypes().get(schema.getTypes().size() - 1), name);
      case NULL -> null;
      case RECORD -> sample(schema);
      default -> throw new IllegalArgumentException("no sample for " + schema);
    };
  }
}
