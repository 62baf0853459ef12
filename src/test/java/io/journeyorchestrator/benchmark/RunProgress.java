package io.journeyorchestrator.benchmark;

/**
 * How far the source readers of the running benchmark job got, as they report it (every
 * {@link PreGeneratedSource#REPORT_EVERY} events and at their end). The rate of a run is counted
 * from the moment the readers together passed {@code warmUpEvents} to the end of the last
 * reader, so neither start-up nor the first (cold, profile-heavy) events count. Backpressure
 * ties the readers to the slowest operator; what is in flight (network buffers, events waiting
 * for the watermark) is a few thousand events, nothing beside millions.
 *
 * <p>One instance per run, in a JVM-wide slot: the readers run in the same JVM (a MiniCluster).
 */
final class RunProgress {
  private static volatile RunProgress current = new RunProgress(0, 1);

  private final long warmUpEvents;
  private final long[] emitted;
  private int finished;
  private long firstStart;
  private long countFromNanos;
  private long countFromEvents;
  private long lastEnd;

  private RunProgress(long warmUpEvents, int readers) {
    this.warmUpEvents = warmUpEvents;
    this.emitted = new long[readers];
  }

  static RunProgress begin(long warmUpEvents, int readers) {
    current = new RunProgress(warmUpEvents, readers);
    return current;
  }

  static RunProgress current() {
    return current;
  }

  synchronized void started(int reader, long nanos) {
    if (firstStart == 0 || nanos < firstStart) {
      firstStart = nanos;
    }
    if (warmUpEvents == 0 && countFromNanos == 0) {
      countFromNanos = nanos;
    }
  }

  synchronized void progress(int reader, long events, long nanos) {
    emitted[reader] = events;
    if (countFromNanos == 0 && total() >= warmUpEvents) {
      countFromNanos = nanos;
      countFromEvents = total();
    }
  }

  /**
   * A reader's end. It does not start the count: the other readers' last reports may be stale,
   * and a run too short to pass the warm-up in reports is counted whole.
   */
  synchronized void finished(int reader, long events, long nanos) {
    emitted[reader] = events;
    finished++;
    lastEnd = Math.max(lastEnd, nanos);
  }

  /** Seconds since counting began (0 before the warm-up is over). */
  synchronized double secondsCounted(long nanos) {
    return countFromNanos == 0 ? 0 : (nanos - countFromNanos) / 1e9;
  }

  synchronized boolean done() {
    return finished == emitted.length;
  }

  synchronized long total() {
    long sum = 0;
    for (long e : emitted) {
      sum += e;
    }
    return sum;
  }

  /** Events counted: those after the warm-up (all of them if the run never got past it). */
  synchronized long countedEvents() {
    return countFromNanos == 0 ? total() : total() - countFromEvents;
  }

  synchronized double countedSeconds() {
    return (lastEnd - (countFromNanos == 0 ? firstStart : countFromNanos)) / 1e9;
  }

  synchronized double totalSeconds() {
    return (lastEnd - firstStart) / 1e9;
  }

  double eventsPerSecond() {
    return countedEvents() / countedSeconds();
  }
}
