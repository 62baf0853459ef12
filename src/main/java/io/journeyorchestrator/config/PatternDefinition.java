package io.journeyorchestrator.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One analyst pattern file, validated: a sequence of steps that must fit in {@code within}. */
public record PatternDefinition(
    String id,
    String description,
    List<StepDefinition> steps,
    Duration within,
    AfterMatch afterMatch,
    String file)
    implements Serializable {

  public PatternDefinition {
    steps = List.copyOf(steps);
  }

  /** Which later matches may reuse events of a match. */
  public enum AfterMatch {
    SKIP_PAST_LAST_EVENT,
    NO_SKIP;

    public String configName() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  public Optional<Duration> withinOptional() {
    return Optional.ofNullable(within);
  }

  /** A single step taken once needs no NFA: a plain filter gives the same matches. */
  public boolean isSingleEvent() {
    return steps.size() == 1 && steps.get(0).times().isOnce() && !steps.get(0).absent();
  }

  public boolean endsWithAbsence() {
    return steps.get(steps.size() - 1).absent();
  }
}
