package io.journeyorchestrator.config;

import java.time.Duration;

/**
 * The job-wide settings of {@code job.yaml}: where to read and write, and how to treat time.
 * {@code schemaRegistry} is set exactly when the input format is {@code REGISTRY_AVRO}.
 */
public record JobSettings(
    String name,
    String bootstrapServers,
    KafkaClientProperties kafkaClient,
    Topics topics,
    Duration maxOutOfOrderness,
    Duration idleTimeout,
    Duration maxFutureSkew,
    Duration dedupWindow,
    InputFormat inputFormat,
    SchemaRegistrySettings schemaRegistry,
    Delivery delivery,
    Engine engine) implements java.io.Serializable {

  /**
   * Kafka topic names, one per stream the job reads or writes.
   *
   * @param decisions null when the job has no actions and job.yaml names no decisions topic
   */
  public record Topics(
      String events,
      String matches,
      String audienceChanges,
      String suppressions,
      String deadLetters,
      String lateEvents,
      String customerState,
      String decisions) implements java.io.Serializable {}

  /** Encoding of the values on the events topic. */
  public enum InputFormat {
    /** Avro single-object encoding; writer schemas ship in the jar. */
    AVRO,
    /** The replay line format. */
    JSON,
    /** Schema-registry wire format: byte 0, a 4-byte schema id, Avro binary. */
    REGISTRY_AVRO
  }

  /** Output guarantee towards Kafka consumers. */
  public enum Delivery {
    EXACTLY_ONCE,
    AT_LEAST_ONCE
  }

  /**
   * What runs the patterns: the journey engine (all patterns in one operator) or Flink CEP (one
   * operator per pattern, the reference the journey engine is tested against).
   */
  public enum Engine {
    JOURNEY,
    FLINK_CEP
  }

  public JobSettings withBootstrapServers(String servers) {
    return new JobSettings(name, servers, kafkaClient, topics, maxOutOfOrderness, idleTimeout,
        maxFutureSkew, dedupWindow, inputFormat, schemaRegistry, delivery, engine);
  }

  public JobSettings withEngine(Engine other) {
    return new JobSettings(name, bootstrapServers, kafkaClient, topics, maxOutOfOrderness,
        idleTimeout, maxFutureSkew, dedupWindow, inputFormat, schemaRegistry, delivery, other);
  }
}
