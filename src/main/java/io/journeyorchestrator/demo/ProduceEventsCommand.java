package io.journeyorchestrator.demo;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.InvalidJobException;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.io.JsonEventCodec;
import io.journeyorchestrator.io.JsonRecords;
import io.journeyorchestrator.io.KafkaOutputSerializer;
import io.journeyorchestrator.io.MalformedEventException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code produce-events}: simulated journeys into the events topic as Avro single-object
 * records keyed by customer, paced at a rate. Event time starts {@code --history} in the past
 * and runs ahead at the simulation's pace, never past the wall clock, so a short demo shows
 * days of journeys (entries, expiries) while staying within the job's future-skew limit.
 */
@Command(name = "produce-events", mixinStandardHelpOptions = true,
    description = "Produce simulated telecom journeys to the events topic (or, with --out, to a"
        + " replay file).")
public final class ProduceEventsCommand implements Callable<Integer> {
  @Option(names = "--job", defaultValue = "jobs/telecom-demo",
      description = "Job folder whose topic and broker to use (default ${DEFAULT-VALUE})")
  Path job;

  @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: job.yaml)")
  String bootstrapServers;

  @Option(names = "--customers", defaultValue = "1000", description = "Customers (default 1000)")
  int customers;

  @Option(names = "--rate", description = "Events per second (default 200; with --events,"
      + " default: as fast as the broker takes them)")
  Double rate;

  @Option(names = "--duration", converter = GenerateEventsCommand.DurationConverter.class,
      description = "How long to produce (wall clock), e.g. 10m; default: until stopped")
  Duration duration;

  @Option(names = "--history", defaultValue = "7d",
      converter = GenerateEventsCommand.DurationConverter.class,
      description = "How far in the past event time starts (default ${DEFAULT-VALUE})")
  Duration history;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42)")
  long seed;

  @Option(names = "--out", description = "Write a replay file (.jsonl) instead of producing")
  Path out;

  @Option(names = "--events",
      description = "Produce the events of this replay file (.jsonl) instead of simulated ones,"
          + " as fast as the broker takes them or at --rate")
  Path eventsFile;

  @Option(names = "--sent-log", description = "With --events: write '<eventId> <epoch millis>'"
      + " per event the broker acknowledged, at the time it did (for delay measurements)")
  Path sentLog;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    JobSettings settings;
    try {
      settings = JobLoader.load(job).settings();
    } catch (InvalidJobException e) {
      e.problems().forEach(err::println);
      err.flush();
      return 2;
    }
    if (sentLog != null && eventsFile == null) {
      err.println("--sent-log needs --events");
      err.flush();
      return 2;
    }
    double eventsPerSecond = rate == null ? 200 : rate;
    Instant start = Instant.now().minus(history);
    JourneyGenerator generator = new JourneyGenerator(
        JourneyGenerator.Settings.defaults().withSeed(seed).withCustomers(customers)
            .withStart(start));
    long limit = duration == null ? Long.MAX_VALUE
        : (long) (eventsPerSecond * duration.toSeconds());
    if (out != null) {
      if (duration == null) {
        err.println("--out needs --duration (events written = rate x duration)");
        err.flush();
        return 2;
      }
      try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        for (long i = 0; i < limit && generator.hasNext(); i++) {
          writer.write(JsonRecords.toJson(generator.next()));
          writer.newLine();
        }
      }
      spec.commandLine().getOut().printf("Wrote %,d events to %s%n", limit, out);
      return 0;
    }
    String servers = bootstrapServers != null ? bootstrapServers : settings.bootstrapServers();
    String topic = settings.topics().events();
    if (eventsFile != null) {
      return produceFile(servers, topic, err);
    }
    err.printf("Producing to %s at %s: %,d customers, %.0f events/s, event time from %s%n",
        topic, servers, customers, eventsPerSecond, start);
    err.flush();
    produce(generator, servers, topic, limit, eventsPerSecond, err);
    return 0;
  }

  private void produce(JourneyGenerator generator, String servers, String topic, long limit,
      double rate, PrintWriter err) throws Exception {
    long startNanos = System.nanoTime();
    long endNanos = duration == null ? Long.MAX_VALUE : startNanos + duration.toNanos();
    long lastReport = startNanos;
    try (KafkaProducer<byte[], byte[]> producer = producer(servers)) {
      for (long sent = 0; sent < limit && generator.hasNext() && System.nanoTime() < endNanos;
          sent++) {
        InteractionEvent event = generator.next();
        long dueNanos = startNanos + (long) (sent * 1e9 / rate);
        long wait = Math.max(dueNanos - System.nanoTime(),
            Duration.between(Instant.now(), event.getTimestamp()).toNanos());
        wait = Math.min(wait, endNanos - System.nanoTime());
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        if (System.nanoTime() >= endNanos) {
          break;
        }
        producer.send(record(topic, event));
        if (System.nanoTime() - lastReport > 5_000_000_000L) {
          lastReport = System.nanoTime();
          err.printf("  sent %,d events (%.0f/s), event time at %s%n", sent + 1,
              (sent + 1) / ((lastReport - startNanos) / 1e9), event.getTimestamp());
          err.flush();
        }
      }
    }
  }

  private int produceFile(String servers, String topic, PrintWriter err) throws Exception {
    long sent = 0;
    long startNanos = System.nanoTime();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(servers);
        SentLog log = new SentLog(sentLog);
        var lines = Files.lines(eventsFile, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isBlank()) {
          continue;
        }
        InteractionEvent event = JsonEventCodec.parse(line);
        if (rate != null) {
          long wait = startNanos + (long) (sent * 1e9 / rate) - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        String eventId = event.getEventId();
        producer.send(record(topic, event), (metadata, e) -> {
          if (e == null) {
            log.sent(eventId);
          } else if (failed.getAndIncrement() == 0) {
            firstFailure.set(e);
          }
        });
        sent++;
      }
      producer.flush();
    } catch (MalformedEventException e) {
      err.println(eventsFile + ": line " + (sent + 1) + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    if (failed.get() > 0) {
      err.printf("%,d of %,d events from %s were not delivered to %s, the first: %s%n",
          failed.get(), sent, eventsFile, topic, firstFailure.get());
      err.flush();
      return 1;
    }
    err.printf("Produced %,d events from %s to %s%n", sent, eventsFile, topic);
    err.flush();
    return 0;
  }

  /** Acknowledgement times, written from the producer's I/O thread. */
  private static final class SentLog implements AutoCloseable {
    private final BufferedWriter writer;

    SentLog(Path file) throws IOException {
      this.writer = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    synchronized void sent(String eventId) {
      if (writer == null) {
        return;
      }
      try {
        writer.write(eventId + " " + System.currentTimeMillis());
        writer.newLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public synchronized void close() throws IOException {
      if (writer != null) {
        writer.close();
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String servers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "journey-demo-producer");
    // Rides out broker outages of several minutes (the fault suite's are up to three) instead of
    // dropping the events produced meanwhile; idempotence (on by default with acks=all) keeps
    // the retried ones in order, once each.
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(15).toMillis());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(15).toMillis());
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static ProducerRecord<byte[], byte[]> record(String topic, InteractionEvent event)
      throws java.io.IOException {
    ByteBuffer buffer = event.toByteBuffer();
    byte[] value = new byte[buffer.remaining()];
    buffer.get(value);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
        event.getCustomerId().getBytes(StandardCharsets.UTF_8), value);
    record.headers().add(KafkaOutputSerializer.TYPE_HEADER,
        InteractionEvent.getClassSchema().getFullName().getBytes(StandardCharsets.UTF_8));
    return record;
  }
}
