package io.journeyorchestrator.pattern;

import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition.Contiguity;
import io.journeyorchestrator.config.StepDefinition.Times;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.matching.CompiledPattern;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;

/** Translates an analyst pattern into a Flink CEP {@link Pattern}, step by step. */
public final class CepPatternBuilder {
  private CepPatternBuilder() {}

  public static Pattern<JourneyEvent, JourneyEvent> build(CompiledPattern compiled) {
    PatternDefinition definition = compiled.definition();
    AfterMatchSkipStrategy skip =
        definition.afterMatch() == PatternDefinition.AfterMatch.NO_SKIP
            ? AfterMatchSkipStrategy.noSkip()
            : AfterMatchSkipStrategy.skipPastLastEvent();
    Pattern<JourneyEvent, JourneyEvent> pattern = null;
    for (int i = 0; i < definition.steps().size(); i++) {
      StepDefinition step = definition.steps().get(i);
      if (step.within() != null) {
        // The loader refuses this with engine: flink-cep; CEP has one window per pattern.
        throw new IllegalArgumentException(definition.id() + ": step '" + step.name()
            + "' has its own 'within', which only the journey engine runs");
      }
      if (step.group() != null) {
        throw new IllegalArgumentException(definition.id() + ": step '" + step.name()
            + "' is a member of an anyOrder group, which only the journey engine runs");
      }
      StepCondition condition =
          new StepCondition(definition.id(), step.name(), compiled.condition(i));
      if (i == 0) {
        pattern = Pattern.begin(step.name(), skip);
      } else if (step.absent()) {
        pattern = step.contiguity() == Contiguity.STRICT
            ? pattern.notNext(step.name())
            : pattern.notFollowedBy(step.name());
      } else {
        pattern = switch (step.contiguity()) {
          case STRICT -> pattern.next(step.name());
          case ANY -> pattern.followedByAny(step.name());
          case RELAXED -> pattern.followedBy(step.name());
        };
      }
      pattern = pattern.where(condition);
      pattern = quantified(pattern, step);
    }
    if (definition.within() != null) {
      pattern = pattern.within(definition.within());
    }
    return pattern;
  }

  private static Pattern<JourneyEvent, JourneyEvent> quantified(
      Pattern<JourneyEvent, JourneyEvent> pattern, StepDefinition step) {
    Times times = step.times();
    if (times.isOnce()) {
      return pattern;
    }
    Pattern<JourneyEvent, JourneyEvent> repeated;
    if (times.max() == null) {
      repeated = pattern.timesOrMore(times.min());
    } else if (times.max() == times.min()) {
      repeated = pattern.times(times.min());
    } else {
      repeated = pattern.times(times.min(), times.max());
    }
    return switch (step.contiguity()) {
      case STRICT -> repeated.consecutive();
      case ANY -> repeated.allowCombinations();
      case RELAXED -> repeated;
    };
  }
}
