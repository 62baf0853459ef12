package io.journeyorchestrator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.JobSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client properties the production job gives its Kafka source and sinks. */
class KafkaJourneyJobTest {
  @TempDir Path dir;

  private JobSettings settings(String kafkaBlock) throws Exception {
    return JobLoader.load(JobFolder.in(dir).file("job.yaml", JobFolder.JOB_YAML.replace(
        "  bootstrapServers: localhost:9092\n",
        "  bootstrapServers: localhost:9092\n" + kafkaBlock)).path()).settings();
  }

  @Test
  void shouldBoundEveryBlockingProducerCallSoAnOutageFailsTasks() throws Exception {
    assertThat(KafkaJourneyJob.sinkProperties(settings(""))).contains(
        entry("max.block.ms", "30000"),
        entry("delivery.timeout.ms", "45000"),
        entry("request.timeout.ms", "15000"),
        entry("transaction.timeout.ms", "600000"),
        entry("enable.idempotence", "true"));
  }

  @Test
  void shouldBoundTheSourcesConsumerCalls() throws Exception {
    assertThat(KafkaJourneyJob.sourceProperties(settings(""))).contains(
        entry("request.timeout.ms", "15000"),
        entry("default.api.timeout.ms", "30000"),
        entry("isolation.level", "read_committed"));
  }

  @Test
  void shouldLetJobYamlOverrideTheTimeoutsPerClient() throws Exception {
    JobSettings settings = settings("""
          properties:
            security.protocol: SASL_SSL
            request.timeout.ms: 20000
          producerProperties:
            max.block.ms: 90000
          consumerProperties:
            default.api.timeout.ms: 70000
        """);
    assertThat(KafkaJourneyJob.sinkProperties(settings)).contains(
        entry("security.protocol", "SASL_SSL"), entry("request.timeout.ms", "20000"),
        entry("max.block.ms", "90000"), entry("delivery.timeout.ms", "45000"));
    assertThat(KafkaJourneyJob.sourceProperties(settings)).contains(
        entry("security.protocol", "SASL_SSL"), entry("request.timeout.ms", "20000"),
        entry("default.api.timeout.ms", "70000")).doesNotContainKey("max.block.ms");
  }

  @Test
  void shouldHandSecretReferencesOnUnresolvedSoTheJobGraphHoldsNoSecret() throws Exception {
    JobSettings settings = settings("""
          properties:
            ssl.truststore.password: ${TRUSTSTORE_PASSWORD}
        """);
    assertThat(KafkaJourneyJob.sinkProperties(settings))
        .contains(entry("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}"))
        .containsKey("config.providers.env.class");
    assertThat(KafkaJourneyJob.sourceProperties(settings))
        .contains(entry("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}"));
  }
}
