package io.journeyorchestrator.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.avro.SuppressionDecision;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.customerstate.CustomerStates;
import io.journeyorchestrator.demo.JourneyGenerator;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.JsonRecords;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Generated journeys through a real broker and the same events through replay, for tests that
 * compare what the Kafka job commits with what replay decides.
 */
public final class JourneyRuns {
  /** Partitions of every test topic (as scripts/create-topics.sh). */
  public static final int PARTITIONS = 4;
  /** Customers {@code zz-clock-<n>} each go to partition n: they move its event time. */
  public static final String CLOCK_PREFIX = "zz-clock-";

  private JourneyRuns() {}

  /** A job folder at {@code job} with the demo job's patterns, audiences and suppressions. */
  public static Path demoDefinitions(Path job) throws IOException {
    for (String folder : List.of("patterns", "audiences", "suppressions")) {
      Files.createDirectories(job.resolve(folder));
      try (var files = Files.list(Path.of("jobs/telecom-demo", folder))) {
        for (Path file : files.toList()) {
          Files.copy(file, job.resolve(folder).resolve(file.getFileName()));
        }
      }
    }
    return job;
  }

  /**
   * Adds the demo job's actions to a folder from {@link #demoDefinitions}; returns the demo
   * job.yaml's {@code decisions} section, for the test's own job.yaml (which then needs a
   * decisions topic).
   */
  public static String demoActions(Path job) throws IOException {
    Files.createDirectories(job.resolve("actions"));
    try (var files = Files.list(Path.of("jobs/telecom-demo/actions"))) {
      for (Path file : files.toList()) {
        Files.copy(file, job.resolve("actions").resolve(file.getFileName()));
      }
    }
    String demo = Files.readString(Path.of("jobs/telecom-demo/job.yaml"));
    return demo.substring(demo.indexOf("\ndecisions:") + 1);
  }

  /** Journeys over 9 days from {@code ago} before now, and a clock event a day later. */
  public static List<InteractionEvent> journeys(long seed, int customers, Duration ago) {
    Instant start = Instant.now().minus(ago).truncatedTo(ChronoUnit.DAYS);
    List<InteractionEvent> events = new ArrayList<>();
    new JourneyGenerator(JourneyGenerator.Settings.defaults().withSeed(seed)
        .withCustomers(customers).withStart(start).withSpan(Duration.ofDays(9)))
        .forEachRemaining(events::add);
    // Event time only moves with events: one a day after the rest, on every partition (see
    // avro()), moves it past their deadlines without relying on idleness. An idle timeout short
    // enough for a test would make a partition that resumes late behind the others late.
    Instant last = events.stream().map(InteractionEvent::getTimestamp).max(Instant::compareTo)
        .orElseThrow();
    for (int partition = 0; partition < PARTITIONS; partition++) {
      events.add(event("clock-" + partition, CLOCK_PREFIX + partition,
          last.plus(Duration.ofDays(1)), "page.view", Map.of()));
    }
    return events;
  }

  public static InteractionEvent event(String id, String customer, Instant time, String type,
      Map<String, Object> attributes) {
    return InteractionEvent.newBuilder().setEventId(id).setCustomerId(customer).setTimestamp(time)
        .setType(type).setChannel(Channel.WEB).setAttributes(attributes).build();
  }

  /** Keyed by customer; the clock customers each go to their own partition. */
  public static ProducerRecord<byte[], byte[]> avro(String topic, InteractionEvent event) {
    String customer = event.getCustomerId();
    Integer partition = customer.startsWith(CLOCK_PREFIX)
        ? Integer.valueOf(customer.substring(CLOCK_PREFIX.length())) : null;
    return new ProducerRecord<>(topic, partition, customer.getBytes(StandardCharsets.UTF_8),
        bytes(event));
  }

  public static ProducerRecord<byte[], byte[]> avro(String topic, InteractionEvent event,
      int partition) {
    return new ProducerRecord<>(topic, partition,
        event.getCustomerId().getBytes(StandardCharsets.UTF_8), bytes(event));
  }

  private static byte[] bytes(InteractionEvent event) {
    try {
      ByteBuffer buffer = event.toByteBuffer();
      byte[] value = new byte[buffer.remaining()];
      buffer.get(value);
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What replay writes for these events up to {@code until}: audience changes, suppressions. */
  public static Map<String, List<String>> replay(JobDefinition job, Path workDir,
      List<InteractionEvent> events, Instant until) throws Exception {
    Path jobDir = Path.of(job.patterns().get(0).file()).getParent().getParent();
    List<String> lines = events.stream().map(JsonRecords::toJson).toList();
    ReplayJob.Result result = ReplayRunner.replay(jobDir, workDir, lines, Optional.of(until));
    return Map.of(
        OutputLines.AUDIENCE_CHANGES, sortedJson(result.of(OutputLines.AUDIENCE_CHANGES)),
        OutputLines.SUPPRESSIONS, sortedJson(result.of(OutputLines.SUPPRESSIONS)),
        OutputLines.DECISIONS, sortedJson(result.of(OutputLines.DECISIONS)),
        OutputLines.CUSTOMER_STATES, result.of(OutputLines.CUSTOMER_STATES).stream()
            .sorted(Comparator.comparing(OutputLine::getCustomerId)
                .thenComparingLong(OutputLine::getTime))
            .map(line -> line.getLabel().equals(OutputLines.TOMBSTONE)
                ? "tombstone " + line.getCustomerId() + " " + line.getTime()
                : line.getJson())
            .toList(),
        CURRENT_STATE, result.currentStates().stream().map(OutputLine::getJson).toList());
  }

  /** The key of {@link #replay}'s map for the state replay ends with (by customer id). */
  public static final String CURRENT_STATE = "current-state";

  /** A current-state record as a line to compare: its JSON, or for a tombstone what it says. */
  public static String stateLine(CustomerState state) {
    return CustomerStates.holdsNothing(state)
        ? "tombstone " + state.getCustomerId() + " " + state.getAsOf().toEpochMilli()
        : JsonRecords.toJson(state);
  }

  /**
   * Committed records of the current-state topic up to {@code until}, in the order written for
   * each customer (customers sorted), once as many as expected arrived; tombstones as {@link
   * #stateLine}.
   */
  public static List<String> committedStates(EmbeddedKafka kafka, String topic, int expected,
      Instant until) throws Exception {
    List<SpecificRecord> records = kafka.readCommitted(topic,
        read -> statesUpTo(read, until).size() >= expected, Duration.ofSeconds(90),
        Duration.ofSeconds(3));
    return statesUpTo(records, until).stream()
        .sorted(Comparator.comparing(CustomerState::getCustomerId)
            .thenComparing(CustomerState::getAsOf))
        .map(JourneyRuns::stateLine)
        .toList();
  }

  /**
   * The last committed state of each customer, customers who hold nothing left out: what the
   * compacted topic keeps, read as the lookup service reads it.
   */
  public static List<String> compacted(List<String> stateLines) {
    Map<String, String> latest = new TreeMap<>();
    for (String line : stateLines) {
      if (line.startsWith("tombstone ")) {
        latest.remove(line.split(" ")[1]);
      } else {
        latest.put(customerIdOf(line), line);
      }
    }
    return List.copyOf(latest.values());
  }

  private static String customerIdOf(String json) {
    try {
      return new ObjectMapper().readTree(json).get("customerId").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<CustomerState> statesUpTo(List<SpecificRecord> records, Instant until) {
    return records.stream().map(r -> (CustomerState) r)
        .filter(s -> !s.getAsOf().isAfter(until))
        .toList();
  }

  private static List<String> sortedJson(List<OutputLine> lines) {
    return lines.stream().map(OutputLine::getJson).sorted().toList();
  }

  /** Committed records of an output topic up to {@code until}, once as many as expected arrived. */
  public static List<String> committed(EmbeddedKafka kafka, String topic, int expected,
      Instant until) throws Exception {
    List<SpecificRecord> records = kafka.readCommitted(topic,
        read -> upTo(read, until).size() >= expected, Duration.ofSeconds(90),
        Duration.ofSeconds(3));
    return upTo(records, until).stream().map(JsonRecords::toJson).sorted().toList();
  }

  private static List<SpecificRecord> upTo(List<SpecificRecord> records, Instant until) {
    return records.stream().filter(r -> {
      Instant time = r instanceof AudienceChange c ? c.getEventTime()
          : r instanceof NextBestAction d ? d.getEventTime()
          : ((SuppressionDecision) r).getEventTime();
      return !time.isAfter(until);
    }).toList();
  }
}
