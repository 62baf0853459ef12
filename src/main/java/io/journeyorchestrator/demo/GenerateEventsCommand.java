package io.journeyorchestrator.demo;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.Durations;
import io.journeyorchestrator.io.JsonRecords;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code generate-events}: a recorded-events file (one JSON event per line) for replay. */
@Command(name = "generate-events", mixinStandardHelpOptions = true,
    description = "Write simulated telecom customer journeys as a replay events file (one JSON"
        + " event per line). The same options always write the same file.")
public final class GenerateEventsCommand implements Callable<Integer> {
  static final long PROGRESS_EVERY = 100_000;
  /** Same code as JourneyCli.INVALID and picocli's usage errors. */
  private static final int INVALID = 2;

  @Option(names = "--customers", defaultValue = "1000", description = "Customers (default 1000)")
  int customers;

  @Option(names = "--events", description = "Stop after this many events")
  Long events;

  @Option(names = "--duration", converter = DurationConverter.class,
      description = "Event time to cover from --start, e.g. 7d (" + Durations.SYNTAX_HINT + ")")
  Duration duration;

  @Option(names = "--start", defaultValue = "2026-03-02T00:00:00Z",
      converter = InstantConverter.class,
      description = "Event time of the first events, an ISO-8601 instant (default ${DEFAULT-VALUE})")
  Instant start;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42)")
  long seed;

  @Option(names = "--late-fraction", defaultValue = "0.01",
      description = "Share of events stamped up to 20 s early, as late producers send them"
          + " (default 0.01)")
  double lateFraction;

  @Option(names = "--out", required = true, description = "Events file to write (.jsonl)")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (events == null && duration == null) {
      return invalid(err, "give --events N and/or --duration D, e.g. --duration 7d");
    }
    if (events != null && events < 0) {
      return invalid(err, "--events must not be negative");
    }
    JourneyGenerator generator;
    try {
      generator = new JourneyGenerator(new JourneyGenerator.Settings(seed, customers, start,
          lateFraction, duration));
    } catch (IllegalArgumentException e) {
      return invalid(err, e.getMessage());
    }
    long limit = events == null ? Long.MAX_VALUE : events;
    Map<String, Long> perType = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    long started = System.nanoTime();
    long written = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (Writer writer = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(out),
        StandardCharsets.UTF_8), 1 << 16)) {
      while (written < limit && generator.hasNext()) {
        InteractionEvent event = generator.next();
        writer.write(JsonRecords.toJson(event));
        writer.write('\n');
        written++;
        perType.merge(event.getType(), 1L, Long::sum);
        seen.add(event.getCustomerId());
        long ms = event.getTimestamp().toEpochMilli();
        first = Math.min(first, ms);
        last = Math.max(last, ms);
        if (written % PROGRESS_EVERY == 0) {
          err.printf("  ... %,d events%n", written);
          err.flush();
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    stdout.printf("Wrote %,d events to %s in %.1f s (%,d bytes)%n", written, out, seconds,
        Files.size(out));
    stdout.printf("  customers       %,d with events (of %,d)%n", seen.size(), customers);
    if (written > 0) {
      stdout.printf("  event time      %s .. %s%n", Instant.ofEpochMilli(first),
          Instant.ofEpochMilli(last));
    }
    stdout.printf("  stamped early   %,d (up to %d s)%n", generator.shifted(),
        JourneyGenerator.MAX_LATENESS.toSeconds());
    stdout.println("Events per type");
    perType.forEach((type, count) -> stdout.printf("  %-24s %,d%n", type, count));
    stdout.flush();
    return 0;
  }

  private static int invalid(PrintWriter err, String message) {
    err.println("generate-events: " + message);
    err.flush();
    return INVALID;
  }

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value).orElseThrow(() -> new TypeConversionException(
          "'" + value + "' is not a duration: " + Durations.SYNTAX_HINT));
    }
  }

  static final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' is not an ISO-8601 instant such as 2026-03-02T00:00:00Z");
      }
    }
  }
}
