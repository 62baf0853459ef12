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
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Callable;
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

  @Option(names = "--rate", defaultValue = "200", description = "Events per second (default 200)")
  double rate;

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
          + " as fast as the broker takes them")
  Path eventsFile;

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
    Instant start = Instant.now().minus(history);
    JourneyGenerator generator = new JourneyGenerator(
        JourneyGenerator.Settings.defaults().withSeed(seed).withCustomers(customers)
            .withStart(start));
    long limit = duration == null ? Long.MAX_VALUE : (long) (rate * duration.toSeconds());
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
        topic, servers, customers, rate, start);
    err.flush();
    produce(generator, servers, topic, limit, err);
    return 0;
  }

  private void produce(JourneyGenerator generator, String servers, String topic, long limit,
      PrintWriter err) throws Exception {
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
    try (KafkaProducer<byte[], byte[]> producer = producer(servers);
        var lines = Files.lines(eventsFile, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (!line.isBlank()) {
          producer.send(record(topic, JsonEventCodec.parse(line)));
          sent++;
        }
      }
      producer.flush();
    } catch (MalformedEventException e) {
      err.println(eventsFile + ": line " + (sent + 1) + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    err.printf("Produced %,d events from %s to %s%n", sent, eventsFile, topic);
    err.flush();
    return 0;
  }

  private static KafkaProducer<byte[], byte[]> producer(String servers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "journey-demo-producer");
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
