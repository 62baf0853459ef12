package io.journeyorchestrator.lookup;

import io.journeyorchestrator.avro.CustomerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The compacted current-state topic, materialized by Kafka Streams in a global store: every
 * instance holds every customer, so any instance answers for any key without a forwarding hop,
 * and instances scale out by adding copies. The store is in memory and restored from the topic
 * on start (the topic is compacted, so that reads one record per customer plus what compaction
 * has not reached yet). Only committed records are read, so a lookup never sees a state the job
 * rolled back. Values stay encoded in the store and are decoded per lookup.
 */
public final class StateTopicView implements LookupRequests.StoreStatus, AutoCloseable {
  static final String STORE = "customer-state";

  private final KafkaStreams streams;
  /** Found once the store is ready; a global store stays the same object while it runs. */
  private volatile ReadOnlyKeyValueStore<String, byte[]> store;

  /**
   * @param clientProperties Kafka client properties (security, timeouts); bootstrap servers and
   *     what Kafka Streams owns are set here
   * @param stateDir a folder only this instance uses (Kafka Streams locks it)
   */
  public StateTopicView(String bootstrapServers, String topic, String applicationId,
      Properties clientProperties, Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.globalTable(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()),
        Materialized.<String, byte[]>as(Stores.inMemoryKeyValueStore(STORE))
            .withKeySerde(Serdes.String())
            .withValueSerde(Serdes.ByteArray())
            .withCachingDisabled()
            .withLoggingDisabled());
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
        "read_committed");
    streams = new KafkaStreams(builder.build(), props);
  }

  /** Starts restoring; {@link #ready()} once the store holds the topic as of the start. */
  public void start() {
    streams.start();
  }

  /** Whether the store is restored and followed: lookups answer from it. */
  @Override
  public boolean ready() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /** Whether it can still become or stay ready (not failed or shut down). */
  @Override
  public boolean alive() {
    KafkaStreams.State state = streams.state();
    return state.isRunningOrRebalancing() || state == KafkaStreams.State.CREATED;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * The customer's latest state as written by the job, if the customer holds anything.
   *
   * @throws IllegalStateException if not {@link #ready()}
   * @throws UncheckedIOException if the stored value does not decode
   */
  public Optional<CustomerState> get(String customerId) {
    byte[] value = store().get(customerId);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(CustomerState.fromByteBuffer(ByteBuffer.wrap(value)));
    } catch (IOException e) {
      throw new UncheckedIOException("the state of this customer does not decode", e);
    }
  }

  /** Customers in the store (an estimate, exact for the in-memory store). */
  public long customers() {
    return ready() ? store().approximateNumEntries() : 0;
  }

  private ReadOnlyKeyValueStore<String, byte[]> store() {
    if (!ready()) {
      throw new IllegalStateException("the store is " + streams.state() + ", not ready");
    }
    ReadOnlyKeyValueStore<String, byte[]> found = store;
    if (found == null) {
      found = streams.store(
          StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
      store = found;
    }
    return found;
  }

  @Override
  public void close() {
    streams.close();
  }
}
