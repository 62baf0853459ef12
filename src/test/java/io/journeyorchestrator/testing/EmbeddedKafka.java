package io.journeyorchestrator.testing;

import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.io.KafkaOutputSerializer;
import io.journeyorchestrator.io.OutputRecordDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker in the test JVM, with helpers to produce and read topics. The
 * helpers use its PLAINTEXT listener; {@link #startSecured} adds a SASL/SCRAM-over-TLS one.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final String SECURED = "SECURED";
  private static final String SCRAM = "SCRAM-SHA-512";

  private final KafkaClusterTestKit cluster;
  private SecuredListener securedListener;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static EmbeddedKafka start() throws Exception {
    return start(builder());
  }

  private static KafkaClusterTestKit.Builder builder() throws Exception {
    return new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("auto.create.topics.enable", "false");
  }

  private static EmbeddedKafka start(KafkaClusterTestKit.Builder builder) throws Exception {
    KafkaClusterTestKit cluster = builder.build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return new EmbeddedKafka(cluster);
  }

  /**
   * What a client needs for the SECURED listener besides the SCRAM user: its address and a
   * truststore (PKCS12) holding the broker's certificate, whose password is in a file.
   */
  public record SecuredListener(String bootstrapServers, Path truststore,
      Path truststorePasswordFile) {}

  /**
   * A broker with a second listener, SECURED: SASL/SCRAM-SHA-512 over TLS, with a self-signed
   * certificate for localhost made by the JDK's keytool in {@code dir}, and one SCRAM user,
   * created with the Admin API over the PLAINTEXT listener (which stays for the test's helpers
   * and inter-broker traffic).
   */
  public static EmbeddedKafka startSecured(Path dir, String user, String password)
      throws Exception {
    String storePassword = UUID.randomUUID().toString();
    Path keystore = dir.resolve("broker.p12");
    Path certificate = dir.resolve("broker.pem");
    Path truststore = dir.resolve("truststore.p12");
    keytool(storePassword, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-storetype", "PKCS12", "-keystore", keystore.toString());
    keytool(storePassword, "-exportcert", "-alias", "broker", "-rfc", "-file",
        certificate.toString(), "-keystore", keystore.toString());
    keytool(storePassword, "-importcert", "-noprompt", "-alias", "broker", "-file",
        certificate.toString(), "-storetype", "PKCS12", "-keystore", truststore.toString());
    Path truststorePasswordFile = Files.writeString(dir.resolve("truststore.password"),
        storePassword + "\n");

    String secured = "listener.name." + SECURED.toLowerCase() + ".";
    EmbeddedKafka kafka = start(builder()
        .setConfigProp("listeners",
            "EXTERNAL://localhost:0,CONTROLLER://localhost:0," + SECURED + "://localhost:0")
        .setConfigProp("listener.security.protocol.map",
            "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + SECURED + ":SASL_SSL")
        .setConfigProp("sasl.enabled.mechanisms", SCRAM)
        .setConfigProp(secured + SCRAM.toLowerCase() + ".sasl.jaas.config",
            ScramLoginModule.class.getName() + " required;")
        .setConfigProp(secured + "ssl.keystore.type", "PKCS12")
        .setConfigProp(secured + "ssl.keystore.location", keystore.toString())
        .setConfigProp(secured + "ssl.keystore.password", storePassword)
        .setConfigProp(secured + "ssl.key.password", storePassword));
    kafka.securedListener = new SecuredListener(
        "localhost:" + kafka.cluster.brokers().values().iterator().next()
            .boundPort(ListenerName.normalised(SECURED)),
        truststore, truststorePasswordFile);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get();
    }
    kafka.awaitScramUser(user, password, storePassword);
    return kafka;
  }

  private static void keytool(String storePassword, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    // The store password reaches keytool in its environment, not on its command line.
    command.addAll(List.of("-storepass:env", "STORE_PASSWORD"));
    if (args[0].equals("-genkeypair")) {
      command.addAll(List.of("-keypass:env", "STORE_PASSWORD"));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("STORE_PASSWORD", storePassword);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
    }
  }

  /** The new credential reaches the broker through the metadata log, a moment after the call. */
  private void awaitScramUser(String user, String password, String storePassword)
      throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", securedListener.bootstrapServers());
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", SCRAM);
    props.put("sasl.jaas.config", ScramLoginModule.class.getName() + " required username=\""
        + user + "\" password=\"" + password + "\";");
    props.put("ssl.truststore.type", "PKCS12");
    props.put("ssl.truststore.location", securedListener.truststore().toString());
    props.put("ssl.truststore.password", storePassword);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Admin admin = Admin.create(props)) {
        admin.describeCluster().clusterId().get();
        return;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** The SASL/SCRAM-over-TLS listener; only for a broker from {@link #startSecured}. */
  public SecuredListener securedListener() {
    return securedListener;
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates the job's topics: 4 partitions each, as scripts/create-topics.sh does (the
   * customer-state topic compacted). */
  public void createTopics(JobSettings.Topics topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (String topic : List.of(topics.events(), topics.matches(), topics.audienceChanges(),
          topics.suppressions(), topics.deadLetters(), topics.lateEvents())) {
        newTopics.add(new NewTopic(topic, 4, (short) 1));
      }
      if (topics.decisions() != null) {
        newTopics.add(new NewTopic(topics.decisions(), 4, (short) 1));
      }
      newTopics.add(new NewTopic(topics.customerState(), 4, (short) 1)
          .configs(Map.of("cleanup.policy", "compact")));
      admin.createTopics(newTopics).all().get();
    }
  }

  public void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> record : records) {
        producer.send(record);
      }
      producer.flush();
    }
  }

  /**
   * Reads a topic from the beginning with read_committed until {@code done} holds for what was
   * read, then keeps reading for {@code settle} to catch anything that should not be there.
   */
  public List<SpecificRecord> readCommitted(String topic, Predicate<List<SpecificRecord>> done,
      Duration timeout, Duration settle) throws Exception {
    return read(topic, "read_committed", done, timeout, settle);
  }

  /** Everything in a topic, committed or not: tells a stuck transaction from missing output. */
  public List<SpecificRecord> readUncommitted(String topic) throws Exception {
    return read(topic, "read_uncommitted", read -> true, Duration.ofSeconds(10),
        Duration.ofSeconds(2));
  }

  private List<SpecificRecord> read(String topic, String isolation,
      Predicate<List<SpecificRecord>> done, Duration timeout, Duration settle) throws Exception {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<SpecificRecord> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() == null) {
            read.add(tombstone(record));
            continue;
          }
          String type = new String(record.headers().lastHeader(KafkaOutputSerializer.TYPE_HEADER)
              .value(), StandardCharsets.UTF_8);
          read.add(OutputRecordDecoder.decode(type, record.value()));
        }
        if (settleUntil == Long.MAX_VALUE && done.test(read)) {
          settleUntil = System.nanoTime() + settle.toNanos();
        }
      }
    }
    return read;
  }

  /** A tombstone of the current-state topic as the empty state it stands for. */
  private static CustomerState tombstone(ConsumerRecord<byte[], byte[]> record) {
    long asOf = Long.parseLong(new String(record.headers()
        .lastHeader(KafkaOutputSerializer.EVENT_TIME_HEADER).value(), StandardCharsets.UTF_8));
    return new CustomerState(new String(record.key(), StandardCharsets.UTF_8),
        Instant.ofEpochMilli(asOf), List.of(), List.of(), List.of(), null);
  }

  /** Whether a consumer group has committed the end offset of every partition of a topic. */
  public boolean consumedAll(String groupId, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
          .partitions().size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int partition = 0; partition < partitions; partition++) {
        latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
      }
      for (var end : admin.listOffsets(latest).all().get().entrySet()) {
        OffsetAndMetadata offset = committed.get(end.getKey());
        if (offset == null || offset.offset() < end.getValue().offset()) {
          return false;
        }
      }
      return true;
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
