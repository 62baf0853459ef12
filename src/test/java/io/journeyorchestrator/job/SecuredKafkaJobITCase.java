package io.journeyorchestrator.job;

import static io.journeyorchestrator.testing.JourneyRuns.PARTITIONS;
import static io.journeyorchestrator.testing.JourneyRuns.avro;
import static io.journeyorchestrator.testing.JourneyRuns.committed;
import static io.journeyorchestrator.testing.JourneyRuns.demoDefinitions;
import static io.journeyorchestrator.testing.JourneyRuns.event;
import static io.journeyorchestrator.testing.JourneyRuns.journeys;
import static io.journeyorchestrator.testing.JourneyRuns.replay;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.testing.EmbeddedKafka;
import io.journeyorchestrator.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production Kafka job against a broker that takes only SASL/SCRAM over TLS, configured by
 * kafka.properties in job.yaml with the secrets in a file and in an environment variable: the
 * same output as replay arrives, and a wrong password stops the start with the cause.
 */
class SecuredKafkaJobITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

  private static final int PARTITIONS = 4;
  private static final String USER = "journey";
  private static final String PASSWORD = "scram-" + UUID.randomUUID();

  @TempDir static Path secrets;
  private static EmbeddedKafka kafka;
  private static Path passwordFile;

  @TempDir Path dir;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.startSecured(secrets, USER, PASSWORD);
    passwordFile = Files.writeString(secrets.resolve("kafka-password"), PASSWORD + "\n");
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  /** The demo job's patterns, audiences and suppressions, reading the secured listener only. */
  private Path securedJob(String name, String passwordReference) throws Exception {
    Path job = demoDefinitions(dir.resolve(name));
    EmbeddedKafka.SecuredListener secured = kafka.securedListener();
    JobFolder.in(job).file("job.yaml", """
        name: %1$s
        kafka:
          bootstrapServers: %2$s
          properties:
            security.protocol: SASL_SSL
            sasl.mechanism: SCRAM-SHA-512
            sasl.jaas.config: >-
              org.apache.kafka.common.security.scram.ScramLoginModule required
              username="%3$s" password="%4$s";
            ssl.truststore.type: PKCS12
            ssl.truststore.location: %5$s
            ssl.truststore.password: ${file:%6$s}
          topics:
            events: %1$s.events
            matches: %1$s.matches
            audienceChanges: %1$s.audience-changes
            suppressions: %1$s.suppressions
            deadLetters: %1$s.dead-letters
            lateEvents: %1$s.late-events
            customerState: %1$s.customer-state
        time:
          maxOutOfOrderness: 30s
          idleTimeout: 5m
        """.formatted(name, secured.bootstrapServers(), USER, passwordReference,
            secured.truststore(), secured.truststorePasswordFile()));
    return job;
  }

  @Test
  void shouldCommitWhatReplayProducesThroughSaslScramOverTls() throws Exception {
    JobDefinition job = JobLoader.load(securedJob("secured", "${file:" + passwordFile + "}"));
    job.settings().kafkaClient().checkResolvable();
    kafka.createTopics(job.settings().topics());
    List<InteractionEvent> events = journeys(21, 60, Duration.ofDays(20));
    Instant until = events.get(events.size() - 1).getTimestamp().minus(Duration.ofMinutes(1));
    Map<String, List<String>> expected = replay(job, dir, events, until);
    assertThat(expected.get(OutputLines.AUDIENCE_CHANGES)).hasSizeGreaterThan(20);
    assertThat(expected.get(OutputLines.SUPPRESSIONS)).hasSizeGreaterThan(10);

    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (InteractionEvent event : events) {
      records.add(avro(job.settings().topics().events(), event));
    }
    kafka.produce(records);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(500);
    new KafkaJourneyJob(job).attachTo(env);
    JobClient client = env.executeAsync("secured");
    try {
      assertThat(committed(kafka, job.settings().topics().audienceChanges(),
          expected.get(OutputLines.AUDIENCE_CHANGES).size(), until))
          .isEqualTo(expected.get(OutputLines.AUDIENCE_CHANGES));
      assertThat(committed(kafka, job.settings().topics().suppressions(),
          expected.get(OutputLines.SUPPRESSIONS).size(), until))
          .isEqualTo(expected.get(OutputLines.SUPPRESSIONS));
    } finally {
      client.cancel().get();
    }
    assertThat(Files.readString(Path.of("target/test-logs/tests.log")))
        .as("the test log").doesNotContain(PASSWORD);
  }

  /**
   * The job's main in its own JVM, as a user would start it: with a wrong password it exits
   * non-zero within seconds, saying Kafka refused authentication, without printing the password.
   */
  @Test
  void shouldRefuseToStartWhenKafkaRejectsThePassword() throws Exception {
    Path job = securedJob("wrong-password", "${JOURNEY_KAFKA_PASSWORD}");
    String wrong = "wrong-" + UUID.randomUUID();
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        JourneyOrchestratorJob.class.getName(), "--job", job.toString())
        .redirectErrorStream(true);
    builder.environment().put("JOURNEY_KAFKA_PASSWORD", wrong);
    long started = System.nanoTime();
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();

    assertThat(process.exitValue()).as(output).isNotZero();
    assertThat(output).contains("Kafka at " + kafka.securedListener().bootstrapServers()
        + " refused authentication: Authentication failed during authentication due to invalid"
        + " credentials with SASL mechanism SCRAM-SHA-512");
    assertThat(output).doesNotContain(wrong);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }
}
