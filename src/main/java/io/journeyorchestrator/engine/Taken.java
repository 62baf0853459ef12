package io.journeyorchestrator.engine;

/**
 * An event a partial match took for a step. {@code sequence} orders the events the pattern took
 * at one timestamp, as Flink CEP's {@code EventId} does: partial matches are ordered by their first
 * event's (timestamp, sequence), and skip-past-last-event prunes by the last event's.
 */
public final class Taken {
  final int step;
  final String eventId;
  final long timestamp;
  final int sequence;

  Taken(int step, String eventId, long timestamp, int sequence) {
    this.step = step;
    this.eventId = eventId;
    this.timestamp = timestamp;
    this.sequence = sequence;
  }

  /** The index of the step that took the event. */
  public int step() {
    return step;
  }

  public String eventId() {
    return eventId;
  }

  /** Compares (timestamp, sequence) of two events, as {@code EventId.compareTo}. */
  static int compare(long timestamp, int sequence, long otherTimestamp, int otherSequence) {
    int byTime = Long.compare(timestamp, otherTimestamp);
    return byTime != 0 ? byTime : Integer.compare(sequence, otherSequence);
  }
}
