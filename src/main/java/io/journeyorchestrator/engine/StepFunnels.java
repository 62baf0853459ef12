package io.journeyorchestrator.engine;

import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.flink.api.common.accumulators.Accumulator;

/**
 * Step funnels for replay's report, as the journey engine saw them: per pattern, how many
 * customers some partial match (or match) of theirs brought to each row, and how long after the
 * previous row's event the reaching event came. A row is one required occurrence of a present
 * step ("calls 2 of 3"), so a counting pattern has a funnel too; the last row is "matched".
 * Absent steps have no row: they take no events. Each customer counts once per row, at the first
 * partial match that reached it.
 */
public final class StepFunnels
    implements Accumulator<StepFunnels.Reach, StepFunnels>, Serializable {
  /** The accumulator's name in the job's result. */
  public static final String NAME = "stepFunnels";
  /** A step needing more occurrences than this gets rows for its first and its last only. */
  static final int MOST_OCCURRENCE_ROWS = 5;
  /** A reach of the first row, or of "matched": no time since a previous row. */
  static final long NO_TIME = -1;

  /** One row of a pattern's funnel. */
  public record Row(String label, int step, int occurrence) implements Serializable {
    public boolean isMatched() {
      return step < 0;
    }
  }

  /**
   * One customer reaching one row for the first time, at the reaching event's time (for
   * "matched", the match's end: a deadline may lie past the end of a replay, which then drops it).
   */
  public record Reach(String patternId, int row, long at, long millisSincePreviousRow) {}

  private final HashMap<String, Tally[]> tallies = new HashMap<>();

  /** The rows of a pattern's funnel, "matched" last. */
  public static List<Row> rowsOf(PatternDefinition pattern) {
    List<Row> rows = new ArrayList<>();
    List<StepDefinition> steps = pattern.steps();
    for (int s = 0; s < steps.size(); s++) {
      StepDefinition step = steps.get(s);
      if (step.absent() || step.group() != null && step.group().first() != s) {
        continue;
      }
      int needed = needed(step);
      String name = step.group() == null ? step.name() : step.group().name();
      String of = step.group() == null ? step.times().toString()
          : step.group().atLeast() + " (any order)";
      for (int occurrence = 1; occurrence <= needed; occurrence++) {
        if (needed > MOST_OCCURRENCE_ROWS && occurrence > 1 && occurrence < needed) {
          continue;
        }
        rows.add(new Row(needed == 1 && step.group() == null ? name
            : name + " " + occurrence + " of " + of, s, occurrence));
      }
    }
    rows.add(new Row("matched", -1, 0));
    return List.copyOf(rows);
  }

  /** The events a step needs, or for an anyOrder group (rows at its first member) all it needs. */
  private static int needed(StepDefinition step) {
    return step.group() == null ? step.times().min() : step.group().atLeast();
  }

  /** The step whose rows count an event of {@code step}: its group's first member, or itself. */
  private static int rowStep(StepDefinition step, int index) {
    return step.group() == null ? index : step.group().first();
  }

  /** Customers who reached the row at or before {@code upTo} (epoch millis). */
  public long customers(String patternId, int row, long upTo) {
    Tally tally = tally(patternId, row);
    long customers = 0;
    for (int i = 0; tally != null && i < tally.size; i++) {
      if (tally.at[i] <= upTo) {
        customers++;
      }
    }
    return customers;
  }

  /**
   * The median time from the previous row's event to the reaching one, over the customers who
   * reached the row at or before {@code upTo}; empty for none.
   */
  public OptionalLong medianMillis(String patternId, int row, long upTo) {
    Tally tally = tally(patternId, row);
    long[] times = new long[tally == null ? 0 : tally.size];
    int timed = 0;
    for (int i = 0; i < times.length; i++) {
      if (tally.at[i] <= upTo && tally.millis[i] != NO_TIME) {
        times[timed++] = tally.millis[i];
      }
    }
    if (timed == 0) {
      return OptionalLong.empty();
    }
    long[] sorted = Arrays.copyOf(times, timed);
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return OptionalLong.of(sorted.length % 2 == 1 ? sorted[middle]
        : (sorted[middle - 1] + sorted[middle]) / 2);
  }

  private Tally tally(String patternId, int row) {
    Tally[] pattern = tallies.get(patternId);
    return pattern == null || pattern.length <= row ? null : pattern[row];
  }

  @Override
  public void add(Reach reach) {
    Tally[] pattern = tallies.get(reach.patternId());
    if (pattern == null || pattern.length <= reach.row()) {
      pattern = pattern == null ? new Tally[reach.row() + 1]
          : Arrays.copyOf(pattern, reach.row() + 1);
      tallies.put(reach.patternId(), pattern);
    }
    if (pattern[reach.row()] == null) {
      pattern[reach.row()] = new Tally();
    }
    pattern[reach.row()].add(reach.at(), reach.millisSincePreviousRow());
  }

  @Override
  public StepFunnels getLocalValue() {
    return this;
  }

  @Override
  public void resetLocal() {
    tallies.clear();
  }

  @Override
  public void merge(Accumulator<Reach, StepFunnels> other) {
    other.getLocalValue().tallies.forEach((patternId, rows) -> {
      for (int row = 0; row < rows.length; row++) {
        Tally tally = rows[row];
        for (int i = 0; tally != null && i < tally.size; i++) {
          add(new Reach(patternId, row, tally.at[i], tally.millis[i]));
        }
      }
    });
  }

  @Override
  public StepFunnels clone() {
    StepFunnels copy = new StepFunnels();
    copy.merge(this);
    return copy;
  }

  /** One row's reaches: when, and how long after the previous row's event (or NO_TIME). */
  private static final class Tally implements Serializable {
    private long[] at = new long[4];
    private long[] millis = new long[4];
    private int size;

    void add(long reachedAt, long millisSincePreviousRow) {
      if (size == at.length) {
        at = Arrays.copyOf(at, size * 2);
        millis = Arrays.copyOf(millis, size * 2);
      }
      at[size] = reachedAt;
      millis[size++] = millisSincePreviousRow;
    }
  }

  /**
   * Records, for one pattern, which rows each customer's partial matches reached: fed every
   * partial match after each change and every match; reports each customer's row once.
   */
  static final class Recorder {
    private final String patternId;
    /** Per step, per occurrence, the row it is, or -1. */
    private final int[][] rowOf;
    /** Per step, the step whose rows its events count towards. */
    private final int[] rowStep;
    private final int matchedRow;
    private final Map<String, boolean[]> reached = new HashMap<>();

    Recorder(PatternDefinition pattern) {
      this.patternId = pattern.id();
      List<Row> rows = rowsOf(pattern);
      this.matchedRow = rows.size() - 1;
      this.rowOf = new int[pattern.steps().size()][];
      this.rowStep = new int[rowOf.length];
      for (int s = 0; s < rowOf.length; s++) {
        rowOf[s] = new int[needed(pattern.steps().get(s)) + 1];
        Arrays.fill(rowOf[s], -1);
        rowStep[s] = rowStep(pattern.steps().get(s), s);
      }
      for (int r = 0; r < matchedRow; r++) {
        rowOf[rows.get(r).step()][rows.get(r).occurrence()] = r;
      }
    }

    void partialMatch(String customerId, Taken[] events, Accumulator<Reach, StepFunnels> out) {
      boolean[] customer = reached.computeIfAbsent(customerId, c -> new boolean[matchedRow + 1]);
      int[] taken = new int[rowOf.length];
      long previous = NO_TIME;
      for (Taken event : events) {
        int step = rowStep[event.step];
        int occurrence = ++taken[step];
        int row = occurrence < rowOf[step].length ? rowOf[step][occurrence] : -1;
        if (row < 0) {
          continue;
        }
        if (!customer[row]) {
          customer[row] = true;
          out.add(new Reach(patternId, row, event.timestamp,
              previous == NO_TIME ? NO_TIME : event.timestamp - previous));
        }
        previous = event.timestamp;
      }
    }

    void match(String customerId, Taken[] events, long endTime,
        Accumulator<Reach, StepFunnels> out) {
      partialMatch(customerId, events, out);
      boolean[] customer = reached.get(customerId);
      if (!customer[matchedRow]) {
        customer[matchedRow] = true;
        out.add(new Reach(patternId, matchedRow, endTime, NO_TIME));
      }
    }
  }
}
