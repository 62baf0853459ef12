package io.journeyorchestrator.io.registry;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.io.MalformedEventException;
import io.journeyorchestrator.io.MalformedEventException.Reason;
import io.journeyorchestrator.io.registry.RegistryLookupException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaParseException;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Per schema id, a reader from that writer schema to the job's {@link InteractionEvent}, by
 * Avro's schema resolution (the rules that apply to the schemas shipped in the jar), or why there
 * is none. A registry never changes the schema of an id, so both answers are cached for good, in
 * a cache bounded by size; a schema the registry could not give is not cached and is asked for
 * again by the next record that names it.
 *
 * <p>Once a lookup found the registry unavailable, after its retries, uncached ids fail at once
 * for {@link #OUTAGE_PAUSE}: otherwise every record of an outage would hold the source's thread
 * for the whole retry sequence. Each of those records still becomes a dead letter of its own,
 * with the reason, and ids already cached keep decoding.
 */
final class WriterSchemas {
  static final Duration OUTAGE_PAUSE = Duration.ofSeconds(10);

  /** A cached answer: a reader, or why the writer schema cannot be read as the job's event. */
  private record Resolution(DatumReader<InteractionEvent> reader, Reason reason, String problem) {
    static Resolution refused(Reason reason, String problem) {
      return new Resolution(null, reason, problem);
    }
  }

  private final SchemaSource registry;
  private final Cache<Integer, Resolution> byId;
  private final Clock clock;
  private final Runnable onFailure;
  private Instant outageUntil = Instant.MIN;
  private String outage;

  WriterSchemas(SchemaSource registry, int cacheSize, Clock clock, Runnable onFailure) {
    this.registry = registry;
    this.byId = CacheBuilder.newBuilder().maximumSize(cacheSize).build();
    this.clock = clock;
    this.onFailure = onFailure;
  }

  long size() {
    return byId.size();
  }

  DatumReader<InteractionEvent> readerFor(int id)
      throws MalformedEventException, InterruptedException {
    Resolution resolution = byId.getIfPresent(id);
    if (resolution == null) {
      resolution = resolve(id, fetch(id));
      byId.put(id, resolution);
    }
    if (resolution.reader() == null) {
      throw new MalformedEventException(resolution.reason(), resolution.problem());
    }
    return resolution.reader();
  }

  private String fetch(int id) throws MalformedEventException, InterruptedException {
    Instant now = clock.instant();
    if (now.isBefore(outageUntil)) {
      onFailure.run();
      throw new MalformedEventException(Reason.REGISTRY_UNAVAILABLE, "registry: schema id " + id
          + " not looked up: the registry was unavailable at the last lookup, asked again from "
          + outageUntil + " (" + outage + ")");
    }
    try {
      return registry.schema(id);
    } catch (RegistryLookupException e) {
      onFailure.run();
      if (e.kind() == Kind.UNAVAILABLE) {
        outageUntil = clock.instant().plus(OUTAGE_PAUSE);
        outage = e.getMessage();
      }
      throw new MalformedEventException(e.kind() == Kind.NOT_FOUND || e.kind() == Kind.BAD_ANSWER
          ? Reason.UNKNOWN_SCHEMA : Reason.REGISTRY_UNAVAILABLE, e.getMessage());
    }
  }

  private static Resolution resolve(int id, String writerText) {
    Schema writer;
    try {
      writer = new Schema.Parser().parse(writerText);
    } catch (SchemaParseException e) {
      // Schema references (a schema naming types of other subjects) are not fetched.
      return Resolution.refused(Reason.UNKNOWN_SCHEMA, "registry: schema id " + id
          + " is not an Avro schema this job can parse: " + e.getMessage());
    }
    Schema reader = InteractionEvent.getClassSchema();
    SchemaPairCompatibility check =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (check.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      String why = check.getResult().getIncompatibilities().stream()
          .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
          .collect(Collectors.joining("; "));
      return Resolution.refused(Reason.INCOMPATIBLE_SCHEMA, "registry: schema id " + id + " ("
          + writer.getFullName() + ") cannot be read as " + reader.getFullName() + ": " + why);
    }
    return new Resolution(new SpecificDatumReader<>(writer, reader,
        SpecificData.getForClass(InteractionEvent.class)), null, null);
  }
}
