package io.journeyorchestrator.faults;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.io.KafkaOutputSerializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A burst of hostile records into the events topic, for the fault suite: random bytes, truncated
 * Avro, an unknown schema fingerprint, missing and oversized ids, control characters in ids,
 * values of 5 MB, timestamps ten years ahead and ten years behind. Each must come out on the
 * dead-letter topic or, for the ones ten years behind, on the late-events topic; none may stop
 * or stall the job. Prints how many of each kind went out as one JSON object.
 */
@Command(name = "hostile-records")
public final class HostileRecords implements Callable<Integer> {
  private static final int FIVE_MB = 5 << 20;

  @Option(names = "--bootstrap-servers", required = true) String servers;
  @Option(names = "--topic", required = true) String topic;
  @Option(names = "--each", defaultValue = "5", description = "Records of each kind") int each;
  @Option(names = "--seed", defaultValue = "7") long seed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new HostileRecords()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    allowLargeRecords();
    Random random = new Random(seed);
    Instant now = Instant.now();
    List<Map.Entry<String, byte[]>> burst = new ArrayList<>();
    for (int i = 0; i < each; i++) {
      String customer = "hostile-" + i;
      byte[] noise = new byte[1 + random.nextInt(200)];
      random.nextBytes(noise);
      burst.add(Map.entry("random-bytes", noise));
      byte[] valid = avro(event("hostile-truncated-" + i, customer, now.minusSeconds(60)));
      burst.add(Map.entry("truncated-avro", Arrays.copyOf(valid, valid.length / 2)));
      byte[] unknown = valid.clone();
      for (int b = 2; b < 10; b++) {
        unknown[b] = (byte) random.nextInt();
      }
      burst.add(Map.entry("unknown-schema", unknown));
      burst.add(Map.entry("missing-id", avro(event("", customer, now.minusSeconds(60)))));
      burst.add(Map.entry("oversized-id",
          avro(event("hostile-long-" + i, "c".repeat(600 * 1024), now.minusSeconds(60)))));
      burst.add(Map.entry("control-characters",
          avro(event("hostile-ctl-" + i, "kunde-\u0000-\u001b[31m-ü-" + i, now.minusSeconds(60)))));
      byte[] huge = new byte[FIVE_MB];
      random.nextBytes(huge);
      burst.add(Map.entry("five-mb-value", huge));
      burst.add(Map.entry("ten-years-ahead",
          avro(event("hostile-ahead-" + i, customer, now.plus(Duration.ofDays(3653))))));
      burst.add(Map.entry("ten-years-behind",
          avro(event("hostile-behind-" + i, "kunde-ü-客-" + i, now.minus(Duration.ofDays(3653))))));
    }
    Map<String, Integer> counts = new java.util.TreeMap<>();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (Map.Entry<String, byte[]> record : burst) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic,
            ("hostile-" + counts.size()).getBytes(StandardCharsets.UTF_8), record.getValue());
        out.headers().add(KafkaOutputSerializer.TYPE_HEADER,
            InteractionEvent.getClassSchema().getFullName().getBytes(StandardCharsets.UTF_8));
        producer.send(out).get();
        counts.merge(record.getKey(), 1, Integer::sum);
      }
    }
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
        Map.of("total", total, "kinds", counts)));
    return 0;
  }

  /** The events topic takes records of up to 1 MB by default; the 5 MB ones must reach the job. */
  private void allowLargeRecords() throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    try (Admin admin = Admin.create(props)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
          new ConfigEntry("max.message.bytes", Integer.toString(2 * FIVE_MB)),
          AlterConfigOp.OpType.SET)))).all().get();
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * FIVE_MB);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 8L * FIVE_MB);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static InteractionEvent event(String eventId, String customerId, Instant at) {
    return InteractionEvent.newBuilder().setEventId(eventId).setCustomerId(customerId)
        .setTimestamp(at).setType("call.inbound").setChannel(Channel.CALL_CENTER)
        .setAttributes(Map.of()).build();
  }

  private static byte[] avro(InteractionEvent event) throws java.io.IOException {
    ByteBuffer buffer = event.toByteBuffer();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
