package io.journeyorchestrator.diagnostics;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Comparator;
import java.util.TreeMap;
import org.apache.flink.api.common.accumulators.Accumulator;

/**
 * A Flink accumulator that counts errors per key (a pattern's step, an audience) and keeps one
 * example of each: the error on the earliest event, by event time, then event id. Which subtask
 * meets which event first changes from run to run, the earliest event does not, so a replay names
 * the same example every time however its subtasks merge.
 *
 * <p>Operators add to it only when something fails, so the normal path pays nothing. Flink reads
 * it from another thread (heartbeats carry accumulator snapshots) while the task adds to it, so
 * every access, serialization included, holds its lock.
 */
public final class ErrorTally
    implements Accumulator<ErrorTally.Sample, TreeMap<String, ErrorTally.Entry>> {
  private static final long serialVersionUID = 1L;

  private static final Comparator<Sample> EARLIEST = Comparator
      .comparingLong(Sample::eventTime)
      .thenComparing(Sample::eventId)
      .thenComparing(Sample::message);

  /** One error: what it belongs to, the event it happened on, and what went wrong. */
  public record Sample(String key, long eventTime, String eventId, String message)
      implements Serializable {}

  /** How many errors a key had, and the earliest of them. */
  public record Entry(long count, Sample first) implements Serializable {
    Entry plus(Entry other) {
      return new Entry(count + other.count,
          EARLIEST.compare(first, other.first) <= 0 ? first : other.first);
    }
  }

  private TreeMap<String, Entry> entries = new TreeMap<>();

  @Override
  public synchronized void add(Sample sample) {
    entries.merge(sample.key(), new Entry(1, sample), Entry::plus);
  }

  /** A copy, sorted by key. */
  @Override
  public synchronized TreeMap<String, Entry> getLocalValue() {
    return new TreeMap<>(entries);
  }

  @Override
  public synchronized void resetLocal() {
    entries.clear();
  }

  @Override
  public void merge(Accumulator<Sample, TreeMap<String, Entry>> other) {
    TreeMap<String, Entry> theirs = other.getLocalValue();
    synchronized (this) {
      theirs.forEach((key, entry) -> entries.merge(key, entry, Entry::plus));
    }
  }

  @Override
  public synchronized ErrorTally clone() {
    ErrorTally copy = new ErrorTally();
    copy.entries = new TreeMap<>(entries);
    return copy;
  }

  private synchronized void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
  }

  @Override
  public synchronized String toString() {
    return entries.toString();
  }
}
