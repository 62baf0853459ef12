package io.journeyorchestrator.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * One step of an analyst pattern: which events it takes ({@code when}), how many, how it follows
 * the step before it, and its own time limit ({@code within}, null for none): a step taken once
 * must come before that long after the previous step's event; a repeated step's occurrences all
 * before that long after its first. A member of an {@code anyOrder} group ({@link #group}, null
 * for an ordinary step) is taken once, in any order with the group's other members.
 */
public record StepDefinition(
    String name, String when, Times times, boolean absent, Contiguity contiguity,
    Duration within, int line, AnyOrder group)
    implements Serializable {

  public StepDefinition(
      String name, String when, Times times, boolean absent, Contiguity contiguity, int line) {
    this(name, when, times, absent, contiguity, null, line, null);
  }

  public StepDefinition(String name, String when, Times times, boolean absent,
      Contiguity contiguity, Duration within, int line) {
    this(name, when, times, absent, contiguity, within, line, null);
  }

  /**
   * An {@code anyOrder} group: the pattern's steps {@code first} to {@code first + size - 1} are
   * its members, and the group is done once {@code atLeast} of them have each taken an event, in
   * whatever order the events came.
   */
  public record AnyOrder(String name, int first, int size, int atLeast) implements Serializable {
    public boolean contains(int step) {
      return step >= first && step < first + size;
    }

    public int last() {
      return first + size - 1;
    }

    /** Whether every member takes an event in each match. */
    public boolean needsAll() {
      return atLeast == size;
    }
  }

  /** How a step follows the previous one (and its own repetitions). */
  public enum Contiguity {
    /** Other events may come between. */
    RELAXED,
    /** The very next event of this customer. */
    STRICT,
    /** Relaxed, and every combination of events is matched. */
    ANY;

    public String configName() {
      return name().toLowerCase();
    }
  }

  /** How often a step repeats: exactly {@code min} when {@code max == min}; open-ended when max is null. */
  public record Times(int min, Integer max) implements Serializable {
    public static final Times ONCE = new Times(1, 1);

    public boolean isOnce() {
      return min == 1 && max != null && max == 1;
    }

    @Override
    public String toString() {
      if (max == null) return min + "+";
      return min == max ? Integer.toString(min) : min + ".." + max;
    }
  }
}
