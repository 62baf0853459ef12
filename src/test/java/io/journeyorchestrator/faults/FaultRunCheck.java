package io.journeyorchestrator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fault suite's judge (scripts/test-faults.sh): what the live job committed, against what
 * replay of the same events decides, by deterministic id.
 *
 * <p>{@code cut} prints the latest instant up to which the live job must have decided once every
 * event is in: the smallest, over the input topic's partitions, of the newest event time in that
 * partition (Kafka's default partitioner on the customer id), less the out-of-orderness bound.
 * The watermark cannot pass it while those partitions are active, and idleness only lets it
 * pass later.
 *
 * <p>{@code compare} reads the replay's output folder and the records read back from the output
 * topics (each line {@code <epoch seconds with fraction>\t<json>}, as test-faults.sh stamps them
 * on arrival) and prints one JSON object: decisions expected, lost, duplicated, extra (each with
 * a few example ids), up to {@code --cut} less {@code --margin} of decision time, so the two
 * runs' differing end of time does not count; and the delay from an event's acknowledgement by
 * the broker ({@code --sent-log}) to the arrival of the match it completed (matches whose end is
 * an event, not an absence deadline), worst overall and worst after {@code --fault-at}.
 */
@Command(name = "fault-run-check", subcommands = {FaultRunCheck.Cut.class,
    FaultRunCheck.Compare.class})
public final class FaultRunCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Output kind: replay file name, the id field, the decision-time field. */
  private static final List<String[]> KINDS = List.of(
      new String[] {"matches", "matchId", "endTime"},
      new String[] {"audience-changes", "changeId", "eventTime"},
      new String[] {"suppressions", "decisionId", "eventTime"});

  public static void main(String[] args) {
    System.exit(new CommandLine(new FaultRunCheck()).execute(args));
  }

  @Command(name = "cut")
  static final class Cut implements Callable<Integer> {
    @Option(names = "--events", required = true) Path events;
    @Option(names = "--partitions", required = true) int partitions;
    @Option(names = "--out-of-orderness", required = true) Duration outOfOrderness;

    @Override
    public Integer call() throws IOException {
      long[] newest = new long[partitions];
      java.util.Arrays.fill(newest, Long.MIN_VALUE);
      try (BufferedReader reader = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode event = JSON.readTree(line);
          byte[] key = event.get("customerId").asText().getBytes(StandardCharsets.UTF_8);
          int partition = Utils.toPositive(Utils.murmur2(key)) % partitions;
          newest[partition] = Math.max(newest[partition], event.get("timestamp").asLong());
        }
      }
      long cut = Long.MAX_VALUE;
      for (long time : newest) {
        cut = Math.min(cut, time);
      }
      System.out.println(Instant.ofEpochMilli(cut - outOfOrderness.toMillis()));
      return 0;
    }
  }

  @Command(name = "compare")
  static final class Compare implements Callable<Integer> {
    @Option(names = "--expected", required = true) Path expectedDir;
    @Option(names = "--observed", required = true) Path observed;
    @Option(names = "--events", required = true) Path events;
    @Option(names = "--sent-log", required = true) Path sentLog;
    @Option(names = "--cut", required = true) Instant cut;
    @Option(names = "--margin", defaultValue = "PT1M") Duration margin;
    @Option(names = "--fault-at", description = "epoch millis") long faultAt;

    @Override
    public Integer call() throws IOException {
      long until = cut.minus(margin).toEpochMilli();
      Map<String, Integer> expected = new HashMap<>();
      for (String[] kind : KINDS) {
        Path file = expectedDir.resolve(kind[0] + ".jsonl");
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            JsonNode record = JSON.readTree(line);
            if (record.path(kind[2]).asLong() <= until) {
              expected.merge(record.get(kind[1]).asText(), 1, Integer::sum);
            }
          }
        }
      }
      Map<String, Long> eventTimes = new HashMap<>();
      try (BufferedReader reader = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (!line.isBlank()) {
            JsonNode event = JSON.readTree(line);
            eventTimes.put(event.get("eventId").asText(), event.get("timestamp").asLong());
          }
        }
      }
      Map<String, Long> sentAt = new HashMap<>();
      for (String line : Files.readAllLines(sentLog, StandardCharsets.UTF_8)) {
        int space = line.lastIndexOf(' ');
        if (space > 0) {
          sentAt.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
        }
      }

      Map<String, Integer> seen = new HashMap<>();
      List<Long> delays = new ArrayList<>();
      long worstAfterFault = -1;
      long observedRecords = 0;
      for (String line : Files.readAllLines(observed, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        if (tab < 0) {
          continue;
        }
        long arrivedAt = (long) (Double.parseDouble(line.substring(0, tab)) * 1000);
        JsonNode record = JSON.readTree(line.substring(tab + 1));
        for (String[] kind : KINDS) {
          if (!record.has(kind[1])) {
            continue;
          }
          observedRecords++;
          if (record.path(kind[2]).asLong() <= until) {
            seen.merge(record.get(kind[1]).asText(), 1, Integer::sum);
          }
          if (kind[0].equals("matches")) {
            long delay = delayOf(record, arrivedAt, eventTimes, sentAt);
            if (delay >= 0) {
              delays.add(delay);
              if (faultAt > 0 && arrivedAt > faultAt) {
                worstAfterFault = Math.max(worstAfterFault, delay);
              }
            }
          }
        }
      }

      List<String> lost = new ArrayList<>();
      List<String> duplicated = new ArrayList<>();
      List<String> extra = new ArrayList<>();
      expected.forEach((id, count) -> {
        int got = seen.getOrDefault(id, 0);
        if (got < count) {
          lost.add(id);
        } else if (got > count) {
          duplicated.add(id);
        }
      });
      seen.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(extra::add);
      Collections.sort(delays);

      ObjectNode result = JSON.createObjectNode();
      result.put("cut", cut.toString());
      result.put("comparedUntil", Instant.ofEpochMilli(until).toString());
      result.put("expected", expected.values().stream().mapToInt(Integer::intValue).sum());
      result.put("observedRecords", observedRecords);
      result.put("lost", lost.size());
      result.put("duplicated", duplicated.size());
      result.put("extra", extra.size());
      result.putPOJO("examples", Map.of("lost", head(lost), "duplicated", head(duplicated),
          "extra", head(extra)));
      Map<String, Long> delay = new LinkedHashMap<>();
      delay.put("p50", percentile(delays, 0.50));
      delay.put("p99", percentile(delays, 0.99));
      delay.put("max", delays.isEmpty() ? -1 : delays.get(delays.size() - 1));
      delay.put("worstAfterFault", worstAfterFault);
      result.putPOJO("delayMs", delay);
      result.put("delayedMatches", delays.size());
      System.out.println(JSON.writeValueAsString(result));
      return lost.isEmpty() && duplicated.isEmpty() && extra.isEmpty() ? 0 : 1;
    }

    /** Arrival less acknowledgement of the event that completed the match, or -1 if none did. */
    private static long delayOf(JsonNode match, long arrivedAt, Map<String, Long> eventTimes,
        Map<String, Long> sentAt) {
      long end = match.path("endTime").asLong();
      long latestSent = -1;
      boolean endsOnAnEvent = false;
      for (JsonNode id : match.path("eventIds")) {
        Long time = eventTimes.get(id.asText());
        Long sent = sentAt.get(id.asText());
        if (time != null && time == end) {
          endsOnAnEvent = true;
        }
        if (sent != null) {
          latestSent = Math.max(latestSent, sent);
        }
      }
      return endsOnAnEvent && latestSent >= 0 ? Math.max(0, arrivedAt - latestSent) : -1;
    }

    private static List<String> head(List<String> ids) {
      return ids.stream().sorted().limit(3).toList();
    }

    private static long percentile(List<Long> sorted, double p) {
      if (sorted.isEmpty()) {
        return -1;
      }
      return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
  }
}
