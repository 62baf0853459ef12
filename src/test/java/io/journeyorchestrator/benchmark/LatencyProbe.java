package io.journeyorchestrator.benchmark;

import java.util.Arrays;

/**
 * Wall time from an event leaving the source to the sink seeing the decision it caused: the
 * source notes each event's emission by its store index, the sink looks it up by the id of the
 * match's last event. Both run in this JVM (a MiniCluster), so {@link System#nanoTime()} of one
 * compares with the other's. One probe per run, in a JVM-wide slot.
 */
final class LatencyProbe {
  private static volatile long[] emittedAt = new long[0];
  private static volatile long warmUpNanos;
  private static volatile long firstEmission;
  private static long[] latencies = new long[1024];
  private static int count;

  private LatencyProbe() {}

  /**
   * Starts a probe for store indexes below {@code size}; events emitted in the first
   * {@code warmUpSeconds} after the first emission are not counted.
   */
  static synchronized void begin(long size, double warmUpSeconds) {
    emittedAt = new long[Math.toIntExact(size)];
    warmUpNanos = (long) (warmUpSeconds * 1e9);
    firstEmission = 0;
    latencies = new long[1024];
    count = 0;
  }

  static void emitted(long index) {
    long[] at = emittedAt;
    if (index < at.length) {
      long now = System.nanoTime();
      if (firstEmission == 0) {
        firstEmission = now;
      }
      at[(int) index] = now;
    }
  }

  /** The decision caused by the event of this store index reached the sink now. */
  static void decided(long index) {
    long now = System.nanoTime();
    long[] at = emittedAt;
    if (index >= at.length || at[(int) index] == 0
        || at[(int) index] - firstEmission < warmUpNanos) {
      return;
    }
    record(now - at[(int) index]);
  }

  private static synchronized void record(long nanos) {
    if (count == latencies.length) {
      latencies = Arrays.copyOf(latencies, count * 2);
    }
    latencies[count++] = nanos;
  }

  static synchronized int samples() {
    return count;
  }

  /** The latency at quantile q (0..1) in milliseconds, NaN without samples. */
  static synchronized double quantileMillis(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(latencies, count);
    Arrays.sort(sorted);
    return sorted[Math.min(count - 1, (int) Math.floor(q * count))] / 1e6;
  }
}
