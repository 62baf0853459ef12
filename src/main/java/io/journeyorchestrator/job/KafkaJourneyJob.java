package io.journeyorchestrator.job;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.avro.SuppressionDecision;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.internal.avro.DecodedInput;
import io.journeyorchestrator.io.DecodedInputSplitter;
import io.journeyorchestrator.io.InteractionEventDecoder;
import io.journeyorchestrator.io.KafkaEventDeserializer;
import io.journeyorchestrator.io.KafkaOutputSerializer;
import io.journeyorchestrator.keyed.JobState;
import java.time.Duration;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The production job: the shared topology between a Kafka events topic and the Kafka output
 * topics. It only wires endpoints; every decision lives in the topology's operators.
 */
public final class KafkaJourneyJob {
  /** Below the broker's default transaction.max.timeout.ms (15 min), or the job restarts forever. */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  private final JobDefinition job;
  private final MapFunction<InteractionEvent, InteractionEvent> faultInjection;

  public KafkaJourneyJob(JobDefinition job) {
    this(job, null);
  }

  /** For tests: {@code faultInjection} sees every decoded event and may throw to fail a task. */
  KafkaJourneyJob(JobDefinition job, MapFunction<InteractionEvent, InteractionEvent> faultInjection) {
    this.job = job;
    this.faultInjection = faultInjection;
  }

  public void attachTo(StreamExecutionEnvironment env) {
    JobSettings settings = job.settings();
    DataStream<DecodedInput> decoded = env
        .fromSource(eventSource(settings), EventTime.ofDecoded(settings), "events topic")
        .uid("events-source");
    SingleOutputStreamOperator<InteractionEvent> events = decoded
        .process(new DecodedInputSplitter())
        .returns(new AvroTypeInfo<>(InteractionEvent.class))
        .name("split dead letters")
        .uid("split-dead-letters");
    DataStream<InteractionEvent> checked = events;
    if (faultInjection != null) {
      checked = events.map(faultInjection).returns(new AvroTypeInfo<>(InteractionEvent.class))
          .name("fault injection");
    }

    JourneyTopology.Outputs outputs =
        new JourneyTopology(job, PatternEngines.of(job.settings())).build(checked);

    JobSettings.Topics topics = settings.topics();
    outputs.matches().sinkTo(sink(settings, "matches", topics.matches(), PatternMatch.class,
        "customerId")).name("matches topic").uid("matches-sink");
    outputs.audienceChanges().sinkTo(sink(settings, "audience-changes",
        topics.audienceChanges(), AudienceChange.class, "customerId"))
        .name("audience changes topic").uid("audience-changes-sink");
    outputs.suppressions().sinkTo(sink(settings, "suppressions", topics.suppressions(),
        SuppressionDecision.class, "customerId"))
        .name("suppressions topic").uid("suppressions-sink");
    events.getSideOutput(JobState.DEAD_LETTERS).sinkTo(sink(settings, "dead-letters",
        topics.deadLetters(), DeadLetter.class, null))
        .name("dead letters topic").uid("dead-letters-sink");
    outputs.lateEvents().sinkTo(sink(settings, "late-events", topics.lateEvents(),
        LateEvent.class, "event.customerId"))
        .name("late events topic").uid("late-events-sink");
  }

  /**
   * The source's consumer properties: job.yaml's (secret references unresolved, see
   * KafkaClientProperties), then what the job owns.
   */
  static Properties sourceProperties(JobSettings settings) {
    Properties props = new Properties();
    props.putAll(settings.kafkaClient().forConsumer());
    props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.setProperty("partition.discovery.interval.ms", "60000");
    props.setProperty("commit.offsets.on.checkpoint", "true");
    return props;
  }

  /** Every sink's producer properties, ordered as {@link #sourceProperties}. */
  static Properties sinkProperties(JobSettings settings) {
    Properties props = new Properties();
    props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, millis(TRANSACTION_TIMEOUT));
    props.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.putAll(settings.kafkaClient().forProducer());
    props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return props;
  }

  private static String millis(Duration duration) {
    return Long.toString(duration.toMillis());
  }

  private static KafkaSource<DecodedInput> eventSource(JobSettings settings) {
    return KafkaSource.<DecodedInput>builder()
        .setProperties(sourceProperties(settings))
        .setBootstrapServers(settings.bootstrapServers())
        .setTopics(settings.topics().events())
        .setGroupId("journey-orchestrator-" + settings.name())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new KafkaEventDeserializer(new InteractionEventDecoder(
            settings.inputFormat(), settings.maxFutureSkew())))
        .build();
  }

  private static <T extends SpecificRecordBase> KafkaSink<T> sink(JobSettings settings,
      String output, String topic, Class<T> type, String keyField) {
    boolean exactlyOnce = settings.delivery() == JobSettings.Delivery.EXACTLY_ONCE;
    return KafkaSink.<T>builder()
        .setKafkaProducerConfig(sinkProperties(settings))
        .setBootstrapServers(settings.bootstrapServers())
        .setRecordSerializer(new KafkaOutputSerializer<>(topic, type, keyField))
        .setDeliveryGuarantee(exactlyOnce
            ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
        .setTransactionalIdPrefix("journey-orchestrator-" + settings.name() + "-" + output)
        .build();
  }
}
