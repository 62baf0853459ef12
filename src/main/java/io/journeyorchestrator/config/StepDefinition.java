package io.journeyorchestrator.config;

import java.io.Serializable;

/**
 * One step of an analyst pattern: which events it takes ({@code when}), how many, and how it
 * follows the step before it.
 */
public record StepDefinition(
    String name, String when, Times times, boolean absent, Contiguity contiguity, int line)
    implements Serializable {

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
