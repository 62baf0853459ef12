package io.journeyorchestrator.job;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.avro.SuppressionDecision;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.customerstate.CustomerStates;
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
  static final String DECISIONS_SINK_UID = "decisions-sink";
  /** Below the broker's default transaction.max.timeout.ms (15 min), or the job restarts forever. */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  /*
   * Timeouts chosen so that a broker outage fails tasks, which the restart strategy
   * (exponential-delay, 1 s doubling to 1 min) restarts until Kafka is back, instead of blocking
   * them. A 90 s outage once killed a TaskManager with the client defaults: a task sat 60 s
   * (max.block.ms) in a send fired from a timer, so it neither answered cancellation nor failed,
   * and the cleanup after the send finally failed ended in a fatal error. The numbers, and what
   * bounds them:
   * - request.timeout.ms 15 s (default 30 s): one request to a broker that does not answer.
   *   Well above a healthy broker's latency under load; a leader failover moves partitions in a
   *   few seconds and the clients retry on the new leader within delivery.timeout.ms.
   * - max.block.ms 30 s (default 60 s): the longest a producer call may hold the task thread
   *   (metadata for a send, initTransactions, commit, abort). Far below Flink's
   *   task.cancellation.timeout (180 s), after which Flink kills the TaskManager, and below the
   *   checkpoint timeout (2 min, flink-conf).
   * - delivery.timeout.ms 45 s (default 120 s, at least linger.ms + request.timeout.ms): a record
   *   not acknowledged by then fails the writer, and its task, at the next write or at the flush
   *   of the next checkpoint, before that checkpoint (2 min) times out.
   * - consumer default.api.timeout.ms 30 s (default 60 s): blocking consumer and admin calls of
   *   the source (positions, committed offsets, partition discovery).
   * job.yaml's kafka.producerProperties / consumerProperties may override each of them.
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  static final Duration MAX_BLOCK = Duration.ofSeconds(30);
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(45);
  static final Duration CONSUMER_API_TIMEOUT = Duration.ofSeconds(30);

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
    outputs.customerStates().sinkTo(sink(settings, "customer-state", topics.customerState(),
        KafkaOutputSerializer.compacted(topics.customerState(), CustomerState.class,
            "customerId", CustomerStates::holdsNothing, "asOf")))
        .name("customer state topic").uid("customer-state-sink");
    outputs.decisions().ifPresent(decisions -> decisions.sinkTo(sink(settings, "decisions",
        topics.decisions(), NextBestAction.class, "customerId"))
        .name("decisions topic").uid(DECISIONS_SINK_UID));
    events.getSideOutput(JobState.DEAD_LETTERS).sinkTo(sink(settings, "dead-letters",
        topics.deadLetters(), DeadLetter.class, null))
        .name("dead letters topic").uid("dead-letters-sink");
    outputs.lateEvents().sinkTo(sink(settings, "late-events", topics.lateEvents(),
        LateEvent.class, "event.customerId"))
        .name("late events topic").uid("late-events-sink");
  }

  /**
   * The source's consumer properties: the job's timeouts, then job.yaml's (which may override
   * them, secret references unresolved, see KafkaClientProperties), then what the job owns.
   */
  static Properties sourceProperties(JobSettings settings) {
    Properties props = new Properties();
    props.setProperty(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(REQUEST_TIMEOUT));
    props.setProperty(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(CONSUMER_API_TIMEOUT));
    props.putAll(settings.kafkaClient().forConsumer());
    props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.setProperty("partition.discovery.interval.ms", "60000");
    props.setProperty("commit.offsets.on.checkpoint", "true");
    return props;
  }

  /** Every sink's producer properties, ordered as {@link #sourceProperties}. */
  static Properties sinkProperties(JobSettings settings) {
    Properties props = new Properties();
    props.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(REQUEST_TIMEOUT));
    props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis(MAX_BLOCK));
    props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis(DELIVERY_TIMEOUT));
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
        .setDeserializer(new KafkaEventDeserializer(InteractionEventDecoder.forJob(settings)))
        .build();
  }

  private static <T extends SpecificRecordBase> KafkaSink<T> sink(JobSettings settings,
      String output, String topic, Class<T> type, String keyField) {
    return sink(settings, output, topic, new KafkaOutputSerializer<>(topic, type, keyField));
  }

  private static <T extends SpecificRecordBase> KafkaSink<T> sink(JobSettings settings,
      String output, String topic, KafkaOutputSerializer<T> serializer) {
    boolean exactlyOnce = settings.delivery() == JobSettings.Delivery.EXACTLY_ONCE;
    return KafkaSink.<T>builder()
        .setKafkaProducerConfig(sinkProperties(settings))
        .setBootstrapServers(settings.bootstrapServers())
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(exactlyOnce
            ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
        .setTransactionalIdPrefix("journey-orchestrator-" + settings.name() + "-" + output)
        .build();
  }
}
