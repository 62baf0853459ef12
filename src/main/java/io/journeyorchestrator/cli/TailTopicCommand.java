package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.io.JsonRecords;
import io.journeyorchestrator.io.KafkaOutputSerializer;
import io.journeyorchestrator.io.OutputRecordDecoder;
import io.journeyorchestrator.io.ReadableRecords;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tail-topic}: prints the job's topics as JSON lines (or readable lines), read_committed. */
@Command(name = "tail-topic", mixinStandardHelpOptions = true,
    description = "Print records of the job's topics as JSON lines, decoding Avro by the"
        + " record-type header. Reads committed records only (read_committed), each once, also"
        + " across broker restarts.")
final class TailTopicCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topics to read")
  List<String> topics;

  @Option(names = "--bootstrap-servers",
      description = "Kafka bootstrap servers (default: the job's, else localhost:9092)")
  String bootstrapServers;

  @Option(names = "--job", paramLabel = "JOB_DIR",
      description = "Job folder whose kafka.bootstrapServers, properties and consumerProperties"
          + " to use, e.g. for a secured Kafka")
  Path jobDir;

  @Option(names = "--from-end", description = "Only records written from now on")
  boolean fromEnd;

  @Option(names = "--readable", description = "One readable line per record instead of JSON")
  boolean readable;

  @Option(names = "--max", description = "Stop after this many records")
  Long max;

  @Option(names = "--idle-exit", description = "Stop after this many seconds without records")
  Integer idleExitSeconds;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Properties props = new Properties();
    String servers = bootstrapServers == null ? "localhost:9092" : bootstrapServers;
    if (jobDir != null) {
      PrintWriter err = spec.commandLine().getErr();
      Optional<JobDefinition> job = ValidateCommand.loadOrReport(jobDir, err);
      if (job.isEmpty() || !KafkaConfigCommand.resolvable(job.get(), err)) {
        return JourneyCli.INVALID;
      }
      props.putAll(job.get().settings().kafkaClient().forConsumer());
      servers = bootstrapServers == null ? job.get().settings().bootstrapServers() : servers;
    }
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Positions are set below and kept in this process; a lost one is an error, not a silent
    // jump to either end of the topic.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    long printed = 0;
    long idleSince = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Optional<List<TopicPartition>> partitions = partitionsOf(consumer);
      if (partitions.isEmpty()) {
        return JourneyCli.INVALID;
      }
      // No consumer group: a group with nothing committed re-reads everything from the start
      // when a broker restart makes it rebalance, so this reader assigns itself every partition
      // and keeps its own position in each.
      consumer.assign(partitions.get());
      if (fromEnd) {
        consumer.seekToEnd(partitions.get());
      } else {
        consumer.seekToBeginning(partitions.get());
      }
      // Fixes "the end" now rather than at the first fetch, which may come after an outage.
      partitions.get().forEach(consumer::position);
      while (max == null || printed < max) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(500));
        } catch (OffsetOutOfRangeException e) {
          spec.commandLine().getErr().println("tail-topic: records were deleted before they were"
              + " read (retention), at " + e.offsetOutOfRangePartitions()
              + "; stopping rather than skipping them");
          return 1;
        }
        if (records.isEmpty()) {
          if (idleExitSeconds != null
              && System.nanoTime() - idleSince > idleExitSeconds * 1_000_000_000L) {
            break;
          }
          continue;
        }
        idleSince = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          out.println(render(record));
          printed++;
          if (max != null && printed >= max) {
            break;
          }
        }
        out.flush();
      }
    }
    return 0;
  }

  private Optional<List<TopicPartition>> partitionsOf(KafkaConsumer<byte[], byte[]> consumer) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos.isEmpty()) {
        spec.commandLine().getErr().println("tail-topic: topic " + topic + " does not exist"
            + " (scripts/create-topics.sh creates the job's topics)");
        return Optional.empty();
      }
      infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    }
    return Optional.of(partitions);
  }

  private String render(ConsumerRecord<byte[], byte[]> record) {
    Header type = record.headers().lastHeader(KafkaOutputSerializer.TYPE_HEADER);
    if (record.value() == null) {
      String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
      return "{\"tombstone\":" + JsonRecords.quote(key) + "}";
    }
    try {
      if (type == null) {
        throw new java.io.IOException("no " + KafkaOutputSerializer.TYPE_HEADER + " header");
      }
      SpecificRecord decoded = OutputRecordDecoder.decode(
          new String(type.value(), StandardCharsets.UTF_8), record.value());
      return readable ? ReadableRecords.format(decoded) : JsonRecords.toJson(decoded);
    } catch (Exception e) {
      return "{\"undecodable\":\"" + record.topic() + "/" + record.partition() + "/"
          + record.offset() + "\",\"error\":" + JsonRecords.quote(String.valueOf(e.getMessage()))
          + "}";
    }
  }
}
