package io.journeyorchestrator.lookup;

import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.ActiveSuppression;
import io.journeyorchestrator.avro.CurrentMembership;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.io.KafkaOutputSerializer;
import io.journeyorchestrator.testing.EmbeddedKafka;
import io.journeyorchestrator.testing.LookupService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lookup service on a real broker: it answers from committed records only, applies expiries
 * at read time, forgets tombstoned customers, refuses bad requests with clear JSON errors, and
 * wants its token on lookups when one is set. (That it answers with exactly the state the job
 * writes, also after a restart, is in KafkaJourneyJobITCase.)
 */
class LookupServiceITCase {
  private static final Set<String> AUDIENCES = Set.of("support-case", "high-value");
  private static final Instant EXPIRY = minutes(70);
  private static EmbeddedKafka kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  private static String topic(String name) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(name, 2, (short) 1)
          .configs(Map.of("cleanup.policy", "compact")))).all().get();
    }
    return name;
  }

  private static CustomerState alice() {
    return new CustomerState("alice", minutes(10),
        List.of(new CurrentMembership("high-value", minutes(5), null),
            new CurrentMembership("support-case", minutes(10), EXPIRY)),
        List.of(new ActiveSuppression("no-marketing", List.of("EMAIL"), List.of("marketing"),
            List.of("support-case"), EXPIRY)),
        List.of("c1"), null);
  }

  private static CustomerState only(String customerId, CurrentMembership membership) {
    return new CustomerState(customerId, minutes(10), List.of(membership), List.of(), List.of(), null);
  }

  /** Writes records in one transaction, committed or aborted. */
  private static void write(String topic, boolean commit, CustomerState... states)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lookup-test-" + System.nanoTime());
    KafkaOutputSerializer<CustomerState> serializer = KafkaOutputSerializer.compacted(topic,
        CustomerState.class, "customerId", s -> s.getMemberships().isEmpty(), "asOf");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (CustomerState state : states) {
        producer.send(serializer.serialize(state, null, null));
      }
      if (commit) {
        producer.commitTransaction();
      } else {
        producer.abortTransaction();
      }
    }
  }

  private LookupService lookup(String topic, Instant now) throws Exception {
    return new LookupService(kafka.bootstrapServers(), topic, dir.resolve("store-" + now),
        AUDIENCES, Optional.empty(), Clock.fixed(now, ZoneOffset.UTC),
        InetAddress.getLoopbackAddress()).awaitReady(Duration.ofSeconds(60));
  }

  @Test
  void shouldNotReportAMembershipPastItsExpiryEvenBeforeItsExitArrives() throws Exception {
    String topic = topic("expiry");
    write(topic, true, alice());
    try (LookupService before = lookup(topic, EXPIRY.minusMillis(1))) {
      assertThat(before.customer("alice").json().get("memberships")).hasSize(2);
      assertThat(before.membership("alice", "support-case").json().get("member").asBoolean())
          .isTrue();
    }
    try (LookupService after = lookup(topic, EXPIRY)) {
      LookupService.Answer answer = after.customer("alice");
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().get("memberships")).hasSize(1);
      assertThat(answer.json().get("memberships").get(0).get("audienceId").asText())
          .isEqualTo("high-value");
      assertThat(answer.json().get("suppressions")).as("only the expired audience held it")
          .isEmpty();
      LookupService.Answer membership = after.membership("alice", "support-case");
      assertThat(membership.status()).isEqualTo(200);
      assertThat(membership.json().get("member").asBoolean()).isFalse();
    }
  }

  @Test
  void shouldAnswerFromCommittedRecordsOnlyAndForgetTombstonedCustomers() throws Exception {
    String topic = topic("committed");
    write(topic, true, alice(),
        only("bob", new CurrentMembership("high-value", minutes(1), null)));
    write(topic, false, only("carol", new CurrentMembership("high-value", minutes(1), null)));
    try (LookupService lookup = lookup(topic, minutes(20))) {
      assertThat(lookup.customer("carol").status()).as("aborted").isEqualTo(404);
      assertThat(lookup.customer("bob").status()).isEqualTo(200);

      write(topic, true, new CustomerState("bob", minutes(30), List.of(), List.of(), List.of(), null));
      awaitStatus(lookup, "bob", 404);
      assertThat(lookup.customers()).isEqualTo(1);
      assertThat(lookup.customer("alice").status()).isEqualTo(200);
    }
  }

  private static void awaitStatus(LookupService lookup, String customer, int status)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (lookup.customer(customer).status() != status) {
      assertThat(System.nanoTime()).as("%s never answered %d", customer, status)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void shouldRefuseBadRequestsWithClearErrorsAndNoStackTrace() throws Exception {
    String topic = topic("errors");
    write(topic, true, alice(),
        only("名前 with space+plus", new CurrentMembership("high-value", minutes(1), null)));
    try (LookupService lookup = lookup(topic, minutes(20))) {
      assertThat(lookup.customer("名前 with space+plus").status()).isEqualTo(200);
      assertThat(lookup.get("/customers/bad%01id").status()).isEqualTo(400);
      assertThat(lookup.get("/customers/" + "x".repeat(257)).status()).isEqualTo(400);
      assertThat(rawStatusLine(lookup, "/customers/%zz")).as("bad percent-encoding")
          .startsWith("HTTP/1.1 400");
      assertThat(lookup.customer("nobody").status()).isEqualTo(404);
      assertThat(lookup.membership("alice", "no-such-audience").status()).isEqualTo(404);
      assertThat(lookup.get("/nothing/here").status()).isEqualTo(404);
      for (String path : List.of("/customers/bad%01id", "/customers/nobody", "/nothing/here")) {
        LookupService.Answer answer = lookup.get(path);
        assertThat(answer.json().get("error").asText()).isNotBlank();
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
      }
      assertThat(lookup.get("/health").json().get("status").asText()).isEqualTo("UP");
      assertThat(lookup.get("/ready").status()).isEqualTo(200);
      assertThat(lookup.get("/metrics").body())
          .contains("journey_lookup_requests_total{route=\"customer\",status=\"400\",} 3.0")
          .contains("journey_lookup_customers 2.0")
          .contains("journey_lookup_ready 1.0");
    }
  }

  @Test
  void shouldWantTheTokenOnLookupsWhenListeningBeyondLoopback() throws Exception {
    String topic = topic("token");
    write(topic, true, alice());
    InetAddress other = otherAddress();
    try (LookupService lookup = new LookupService(kafka.bootstrapServers(), topic,
        dir.resolve("token"), AUDIENCES, Optional.of("s3cret-token"),
        Clock.fixed(minutes(20), ZoneOffset.UTC), other).awaitReady(Duration.ofSeconds(60))) {
      assertThat(lookup.get("/customers/alice", null).status()).isEqualTo(401);
      assertThat(lookup.get("/customers/alice", "wrong").status()).isEqualTo(401);
      assertThat(lookup.get("/metrics", null).status()).isEqualTo(401);
      assertThat(lookup.get("/customers/alice", "s3cret-token").status()).isEqualTo(200);
      assertThat(lookup.get("/ready", null).status()).as("probes need no token").isEqualTo(200);
    }
  }

  /** What a client that sends any bytes it likes gets back (java.net.http refuses bad URIs). */
  private static String rawStatusLine(LookupService lookup, String path) throws Exception {
    URI base = URI.create(lookup.baseUrl());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
    }
  }

  static InetAddress otherAddress() throws Exception {
    return NetworkInterface.networkInterfaces()
        .filter(nic -> {
          try {
            return nic.isUp() && !nic.isLoopback();
          } catch (java.io.IOException e) {
            return false;
          }
        })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("the test needs a non-loopback address"));
  }
}
