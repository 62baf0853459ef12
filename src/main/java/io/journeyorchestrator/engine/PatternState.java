package io.journeyorchestrator.engine;

import io.journeyorchestrator.internal.avro.EngineEventRef;
import io.journeyorchestrator.internal.avro.EnginePartialMatch;
import io.journeyorchestrator.internal.avro.EnginePatternState;
import java.util.ArrayList;
import java.util.List;

/**
 * What one pattern remembers about one customer, as an immutable value: its partial matches (the
 * computation states of Flink CEP's NFA, each an automaton state and the events it took, by id and
 * timestamp), the completed matches held back for skip-past-last-event, and the count of events
 * taken at the latest timestamp (CEP's {@code EventId} sequence). Runs are kept in the array order
 * of CEP's priority queues, because CEP processes them in that order.
 *
 * <p>Only meaningful with the {@link JourneyMatcher} that made it (state indexes are its
 * automaton's). {@link #toRecord()} / {@link #fromRecord} convert it to and from the Avro record
 * {@code EnginePatternState} kept in Flink state. In that record (Avro binary) a customer costs
 * about 12 bytes plus 3 bytes per partial match plus, per event a partial match holds, 9 bytes and
 * the event id (22 bytes for a 13-character id): a partial match holding one event is 25 bytes,
 * one holding three 69 bytes. Partial matches that took the same event each hold it.
 */
public final class PatternState {
  final Run[] partial;
  final Run[] completed;
  final long lastTakenTimestamp;
  final int takenAtLastTimestamp;
  /**
   * The earliest time a window (the pattern's or a step's) ends one of the partial matches;
   * Long.MAX_VALUE when none can time out.
   */
  final long nextDeadline;

  PatternState(Run[] partial, Run[] completed, long lastTakenTimestamp, int takenAtLastTimestamp,
      StepWindows windows) {
    this.partial = partial;
    this.completed = completed;
    this.lastTakenTimestamp = lastTakenTimestamp;
    this.takenAtLastTimestamp = takenAtLastTimestamp;
    long deadline = Long.MAX_VALUE;
    if (windows.window > 0 || windows.any()) {
      for (Run run : partial) {
        deadline = Math.min(deadline, windows.deadline(run));
      }
    }
    this.nextDeadline = deadline;
  }

  /** Partial matches held, the start state not counted. */
  public int partialMatches() {
    return partial.length - 1;
  }

  /** One computation state: where it is in the automaton and the events it took. */
  static final class Run {
    static final Taken[] NONE = new Taken[0];

    final int state;
    final Taken[] events;

    Run(int state, Taken[] events) {
      this.state = state;
      this.events = events;
    }

    boolean isStart() {
      return events.length == 0;
    }

    /** As CEP's comparator: the start state after every partial match. */
    long startTimestamp() {
      return events.length == 0 ? Long.MAX_VALUE : events[0].timestamp;
    }

    int startSequence() {
      return events.length == 0 ? Integer.MAX_VALUE : events[0].sequence;
    }

    static int compare(Run a, Run b) {
      return Taken.compare(a.startTimestamp(), a.startSequence(),
          b.startTimestamp(), b.startSequence());
    }
  }

  public EnginePatternState toRecord() {
    return new EnginePatternState(lastTakenTimestamp, takenAtLastTimestamp, records(partial),
        records(completed));
  }

  static PatternState fromRecord(EnginePatternState record, StepWindows windows) {
    return new PatternState(runs(record.getPartialMatches()), runs(record.getCompletedMatches()),
        record.getLastTakenTimestamp(), record.getTakenAtLastTimestamp(), windows);
  }

  private static List<EnginePartialMatch> records(Run[] runs) {
    List<EnginePartialMatch> records = new ArrayList<>(runs.length);
    for (Run run : runs) {
      List<EngineEventRef> refs = new ArrayList<>(run.events.length);
      for (Taken taken : run.events) {
        refs.add(new EngineEventRef(taken.step, taken.eventId, taken.timestamp, taken.sequence));
      }
      records.add(new EnginePartialMatch(run.state, refs));
    }
    return records;
  }

  private static Run[] runs(List<EnginePartialMatch> records) {
    Run[] runs = new Run[records.size()];
    for (int i = 0; i < runs.length; i++) {
      EnginePartialMatch record = records.get(i);
      Taken[] events = new Taken[record.getEvents().size()];
      for (int j = 0; j < events.length; j++) {
        EngineEventRef ref = record.getEvents().get(j);
        events[j] = new Taken(ref.getStep(), ref.getEventId(), ref.getTimestamp(),
            ref.getSequence());
      }
      runs[i] = new Run(record.getState(), events.length == 0 ? Run.NONE : events);
    }
    return runs;
  }
}
