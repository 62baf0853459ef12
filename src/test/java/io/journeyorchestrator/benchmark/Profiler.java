package io.journeyorchestrator.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of this JVM (the MiniCluster's task threads included) around one run, and
 * where its CPU samples fall: the top methods by samples in which they are the running frame
 * (self time), the top packages by the same count, and the share of each activity of the job
 * (inclusive: timers, state access, serialization, conditions, ...). Java samples miss time spent
 * in native code, where RocksDB works, so native samples whose running frame is RocksDB's JNI
 * are counted too (other native samples are mostly threads waiting, and are left out).
 */
final class Profiler implements AutoCloseable {
  private final Recording recording = new Recording();
  private final Path file;

  Profiler(Path file) {
    this.file = file;
    recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
    recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
    recording.setToDisk(true);
    recording.start();
  }

  /** Stops the recording, saves it and prints the breakdown. */
  void report(int top) throws IOException {
    recording.stop();
    Files.createDirectories(file.getParent());
    recording.dump(file);
    Map<String, Integer> methods = new HashMap<>();
    Map<String, Integer> packages = new HashMap<>();
    Map<String, Integer> activities = new HashMap<>();
    int samples = 0;
    int nativeSamples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      String kind = event.getEventType().getName();
      boolean isNative = kind.equals("jdk.NativeMethodSample");
      if (!isNative && !kind.equals("jdk.ExecutionSample")) {
        continue;
      }
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      RecordedFrame frame = stack.getFrames().get(0);
      String type = frame.getMethod().getType().getName();
      if (isNative && !type.startsWith("org.rocksdb.")) {
        continue;
      }
      nativeSamples += isNative ? 1 : 0;
      methods.merge(type + "." + frame.getMethod().getName(), 1, Integer::sum);
      int dot = type.lastIndexOf('.');
      packages.merge(dot < 0 ? "(default)" : type.substring(0, dot), 1, Integer::sum);
      activities.merge(activity(stack.getFrames()), 1, Integer::sum);
      samples++;
    }
    System.out.printf("%nProfile (JFR, %,d CPU samples of which %,d in RocksDB's native code, "
        + "self time; recording %s):%n", samples, nativeSamples, file);
    print("method", methods, samples, top);
    print("package", packages, samples, top);
    print("activity", activities, samples, top);
  }

  /**
   * Activities by the class name prefixes of their frames. A sample belongs to the activity of its
   * innermost frame that has one, so state access inside an operator's timer counts as state
   * access, and the operator's own code as the operator.
   */
  private static final List<Map.Entry<String, List<String>>> ACTIVITIES = List.of(
      Map.entry("timer service", List.of(
          "org.apache.flink.streaming.api.operators.InternalTimerServiceImpl",
          "org.apache.flink.runtime.state.heap.KeyGroupPartitionedPriorityQueue",
          "org.apache.flink.runtime.state.heap.HeapPriorityQueue",
          "org.apache.flink.state.rocksdb.RocksDBCachingPriorityQueueSet",
          "org.apache.flink.state.rocksdb.TreeOrderedSetCache")),
      Map.entry("keyed state access", List.of("org.apache.flink.state.", "org.rocksdb.",
          "org.apache.flink.runtime.state.")),
      Map.entry("condition evaluation (CEL)", List.of("dev.cel.")),
      Map.entry("Avro (de)serialization", List.of("org.apache.avro.",
          "org.apache.flink.formats.avro.")),
      Map.entry("journey engine", List.of("io.journeyorchestrator.engine.")),
      Map.entry("customer timeline", List.of("io.journeyorchestrator.timeline.")),
      Map.entry("audiences", List.of("io.journeyorchestrator.audience.")),
      Map.entry("suppressions", List.of("io.journeyorchestrator.suppression.")),
      Map.entry("Flink CEP", List.of("org.apache.flink.cep.")),
      Map.entry("benchmark source and sinks", List.of("io.journeyorchestrator.benchmark.")),
      Map.entry("record exchange", List.of("org.apache.flink.runtime.io.",
          "org.apache.flink.streaming.runtime.io.")),
      Map.entry("checkpoints", List.of("org.apache.flink.runtime.checkpoint.")));

  private static String activity(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      for (Map.Entry<String, List<String>> activity : ACTIVITIES) {
        for (String prefix : activity.getValue()) {
          if (type.startsWith(prefix)) {
            return activity.getKey();
          }
        }
      }
    }
    return "other";
  }

  private static void print(String what, Map<String, Integer> counts, int samples, int top) {
    System.out.printf("  %-90s %7s%n", "top " + top + " by " + what, "share");
    List<Map.Entry<String, Integer>> sorted = counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top).toList();
    for (Map.Entry<String, Integer> e : sorted) {
      System.out.printf("  %-90s %6.1f%%%n", e.getKey(), 100.0 * e.getValue() / samples);
    }
  }

  @Override
  public void close() {
    recording.close();
  }
}
