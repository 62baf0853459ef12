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
 * (self time), and the top packages by the same count.
 */
final class Profiler implements AutoCloseable {
  private final Recording recording = new Recording();
  private final Path file;

  Profiler(Path file) {
    this.file = file;
    recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
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
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      RecordedFrame frame = stack.getFrames().get(0);
      String type = frame.getMethod().getType().getName();
      methods.merge(type + "." + frame.getMethod().getName(), 1, Integer::sum);
      int dot = type.lastIndexOf('.');
      packages.merge(dot < 0 ? "(default)" : type.substring(0, dot), 1, Integer::sum);
      samples++;
    }
    System.out.printf("%nProfile (JFR, %,d CPU samples, self time; recording %s):%n", samples,
        file);
    print("method", methods, samples, top);
    print("package", packages, samples, top);
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
