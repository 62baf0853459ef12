package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kafka.properties, consumerProperties and producerProperties of job.yaml: what each client
 * gets, secrets resolved by Kafka's own config machinery, problems located, secrets masked.
 */
class KafkaClientPropertiesTest {
  @TempDir Path dir;

  /** JobFolder's job.yaml with {@code block} after bootstrapServers (line 3): it starts line 4. */
  private Path jobWith(String block) {
    return JobFolder.in(dir).file("job.yaml", JobFolder.JOB_YAML.replace(
        "  bootstrapServers: localhost:9092\n", "  bootstrapServers: localhost:9092\n" + block))
        .path();
  }

  private KafkaClientProperties load(String block) throws Exception {
    return JobLoader.load(jobWith(block)).settings().kafkaClient();
  }

  @Test
  void shouldGiveEachClientTheCommonPropertiesThenItsOwn() throws Exception {
    KafkaClientProperties properties = load("""
          properties:
            security.protocol: SSL
            request.timeout.ms: 20000
          consumerProperties:
            fetch.max.wait.ms: 100
          producerProperties:
            request.timeout.ms: 25000
        """);
    assertThat(properties.forConsumer()).containsExactly(entry("security.protocol", "SSL"),
        entry("request.timeout.ms", "20000"), entry("fetch.max.wait.ms", "100"));
    assertThat(properties.forProducer()).containsExactly(entry("security.protocol", "SSL"),
        entry("request.timeout.ms", "25000"));
    assertThat(properties.forAdmin()).containsOnlyKeys("security.protocol", "request.timeout.ms");
  }

  @Test
  void shouldLeaveSecretsToKafkaWithTheJobsProvidersRegistered() throws Exception {
    KafkaClientProperties properties = load("""
          properties:
            ssl.truststore.password: ${TRUSTSTORE_PASSWORD}
            sasl.jaas.config: "x password=\\"${file:/run/secrets/kafka}\\";"
        """);
    assertThat(properties.forAdmin()).contains(
        entry("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}"),
        entry("sasl.jaas.config", "x password=\"${file:/run/secrets/kafka}\";"),
        entry("config.providers", "env,file"),
        entry("config.providers.file.class", SecretConfigProvider.class.getName()),
        entry("config.providers.file.param.source", "file"));
  }

  @Test
  void shouldRegisterNoProviderWithoutASecretReference() throws Exception {
    assertThat(load("  properties:\n    security.protocol: SSL\n").forAdmin())
        .containsOnlyKeys("security.protocol");
  }

  @Test
  void shouldHaveKafkaResolveFilesAndEnvironmentVariablesWhenAClientIsConfigured()
      throws Exception {
    Path secret = Files.writeString(dir.resolve("password"), "s3cret\n");
    String path = System.getenv().containsKey("PATH") ? "PATH" : "HOME";
    KafkaClientProperties properties = load("""
          properties:
            sasl.jaas.config: "password=\\"${file:%s}\\";"
            ssl.truststore.location: ${%s}/x
        """.formatted(secret, path));
    Map<String, Object> config = new java.util.HashMap<>(properties.forAdmin());
    config.put("bootstrap.servers", "localhost:9092");
    AdminClientConfig resolved = new AdminClientConfig(config);
    assertThat(resolved.getPassword("sasl.jaas.config").value())
        .isEqualTo("password=\"s3cret\";");
    assertThat(resolved.getString("ssl.truststore.location")).isEqualTo(System.getenv(path) + "/x");
  }

  @Test
  void shouldFailTheKafkaClientNamingAMissingSecret() throws Exception {
    Path missing = dir.resolve("nothing-here");
    Map<String, Object> config = new java.util.HashMap<>(
        load("  properties:\n    ssl.key.password: ${file:" + missing + "}\n").forAdmin());
    config.put("bootstrap.servers", "localhost:9092");
    assertThatThrownBy(() -> new AdminClientConfig(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("secret file " + missing + " does not exist");
  }

  @Test
  void shouldResolveForToolsInAnotherJvmTrimmingTheFilesTrailingNewline() throws Exception {
    Path secret = Files.writeString(dir.resolve("password"), "s3cret\r\n");
    KafkaClientProperties properties = load("""
          properties:
            sasl.jaas.config: "user=\\"${KAFKA_USER}\\" password=\\"${file:%s}\\";"
          consumerProperties:
            ssl.key.password: ${ONLY_FOR_CONSUMERS}
        """.formatted(secret));
    assertThat(properties.resolvedForAdmin(Map.of("KAFKA_USER", "journey")::get))
        .containsExactly(entry("sasl.jaas.config", "user=\"journey\" password=\"s3cret\";"));
  }

  static Stream<Arguments> unresolvable() {
    return Stream.of(
        Arguments.of("  properties:\n    ssl.truststore.password: ${TRUSTSTORE_PASSWORD}\n",
            "job.yaml:5: Kafka property 'ssl.truststore.password': environment variable"
                + " TRUSTSTORE_PASSWORD is not set; set it where the job and its Kafka clients run"
                + " (JobManager and TaskManagers)"),
        Arguments.of("  producerProperties:\n    sasl.jaas.config: ${file:/no/such/secret}\n",
            "job.yaml:5: Kafka property 'sasl.jaas.config': secret file /no/such/secret does not"
                + " exist; mount it where the job and its Kafka clients run (JobManager and"
                + " TaskManagers)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unresolvable")
  void shouldNameFileLineAndKeyOfASecretThatIsMissing(String block, String message)
      throws Exception {
    KafkaClientProperties properties = load(block);
    assertThatThrownBy(() -> properties.checkResolvable(Map.<String, String>of()::get))
        .isInstanceOf(InvalidJobException.class)
        .hasMessage(dir.resolve(message).toString());
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("  properties:\n    group.id: mine\n", "job.yaml:5: 'group.id' in"
            + " kafka.properties is set by the job: the source commits its offsets as consumer"
            + " group journey-orchestrator-<name>, so the job resumes where it stopped; remove it"),
        Arguments.of("  consumerProperties:\n    isolation.level: read_uncommitted\n",
            "job.yaml:5: 'isolation.level' in kafka.consumerProperties is set by the job: the job"
                + " reads only committed events (read_committed), so an aborted upstream"
                + " transaction never becomes a decision; remove it"),
        Arguments.of("  producerProperties:\n    transactional.id: x\n", "job.yaml:5:"
            + " 'transactional.id' in kafka.producerProperties is set by the job: the sinks derive"
            + " transactional ids from the job name; exactly-once delivery depends on them;"
            + " remove it"),
        Arguments.of("  producerProperties:\n    enable.idempotence: false\n",
            "job.yaml:5: 'enable.idempotence' in kafka.producerProperties is set by the job:"
                + " both delivery modes rely on idempotent producers; remove it"),
        Arguments.of("  producerProperties:\n    value.serializer: x.Y\n", "job.yaml:5:"
            + " 'value.serializer' in kafka.producerProperties is set by the job: the job encodes"
            + " its outputs itself; remove it"),
        Arguments.of("  consumerProperties:\n    key.deserializer: x.Y\n", "job.yaml:5:"
            + " 'key.deserializer' in kafka.consumerProperties is set by the job: the job reads"
            + " raw bytes and decodes them itself; remove it"),
        Arguments.of("  properties:\n    config.providers.vault.class: x.Y\n", "job.yaml:5:"
            + " 'config.providers.vault.class' in kafka.properties is set by the job: the job"
            + " registers its own providers for ${ENV_VAR} and ${file:/path}; remove it"),
        Arguments.of("  properties:\n    sasl.jaas.config: ${vault:kafka}\n", "job.yaml:5:"
            + " 'sasl.jaas.config' in kafka.properties: '${vault:kafka}' is not a reference the"
            + " job reads; write ${ENV_VAR} or ${file:/absolute/path}"),
        Arguments.of("  properties:\n    ssl.key.password: ${file:secrets/key}\n", "job.yaml:5:"
            + " 'ssl.key.password' in kafka.properties: '${file:secrets/key}' names a relative"
            + " path; the job may run in another folder, so write ${ENV_VAR} or"
            + " ${file:/absolute/path}"),
        Arguments.of("  properties:\n    ssl.key.password: ${KEY\n", "job.yaml:5:"
            + " 'ssl.key.password' in kafka.properties: '${' without a closing '}'; write"
            + " ${ENV_VAR} or ${file:/absolute/path}"),
        Arguments.of("  properties:\n    ssl.key.password:\n", "job.yaml:5: 'ssl.key.password'"
            + " must be a single value, not an empty value"),
        Arguments.of("  properties: SSL\n", "job.yaml:4: 'properties' must be a mapping of keys"
            + " to values, not 'SSL'"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("rejected")
  void shouldRejectWhatTheJobOwnsAndReferencesItCannotRead(String block, String message) {
    Path job = jobWith(block);
    assertThatThrownBy(() -> JobLoader.load(job))
        .isInstanceOf(InvalidJobException.class)
        .hasMessage(job.resolve(message).toString());
  }

  @Test
  void shouldMaskSecretSoundingPropertiesWhereverTheSettingsArePrinted() throws Exception {
    JobSettings settings = JobLoader.load(jobWith("""
          properties:
            security.protocol: SASL_SSL
            sasl.jaas.config: "x password=\\"inline-secret\\";"
            ssl.truststore.password: plain-password
          consumerProperties:
            sasl.oauthbearer.TOKEN.endpoint.url: https://idp/token-secret
            client.rack: eu-1a
          producerProperties:
            ssl.keystore.location: /etc/kafka/key.p12
            acks: all
        """)).settings();
    assertThat(settings.kafkaClient()).hasToString("properties {security.protocol=SASL_SSL,"
        + " sasl.jaas.config=******, ssl.truststore.password=******}, consumerProperties"
        + " {sasl.oauthbearer.TOKEN.endpoint.url=******, client.rack=eu-1a}, producerProperties"
        + " {ssl.keystore.location=******, acks=all}");
    assertThat(settings.toString()).doesNotContain("inline-secret", "plain-password",
        "token-secret");
  }
}
