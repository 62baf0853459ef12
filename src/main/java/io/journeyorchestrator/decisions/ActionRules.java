package io.journeyorchestrator.decisions;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.condition.CompileResult;
import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionCompiler;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.condition.Score;
import io.journeyorchestrator.condition.ScoreCompiler;
import io.journeyorchestrator.config.ActionDefinition;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The job's actions with their eligibleWhen conditions and priority scores compiled once: an
 * action's priority for a customer, or nothing when it is not eligible. A condition or score that
 * fails on a profile (a field read without {@code has()}, a value of the wrong type) makes the
 * action not eligible for that customer and is reported to {@code onError}, never thrown: bad data
 * must not stop the job.
 */
public final class ActionRules implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<ActionDefinition> actions;
  private final Map<String, Condition> eligibleWhen = new HashMap<>();
  private final Map<String, Score> scores = new HashMap<>();

  public ActionRules(List<ActionDefinition> actions) {
    this.actions = List.copyOf(actions);
    for (ActionDefinition action : this.actions) {
      action.eligibleWhenOptional().ifPresent(source -> {
        CompileResult compiled = ConditionCompiler.compile(source);
        eligibleWhen.put(action.id(), compiled.condition().orElseThrow(() ->
            new IllegalArgumentException(action.file() + ": eligibleWhen does not compile")));
      });
      if (action.priorityScore() != null) {
        scores.put(action.id(), ScoreCompiler.score(action.priorityScore()).orElseThrow(() ->
            new IllegalArgumentException(action.file() + ": priority does not compile")));
      }
    }
  }

  public List<ActionDefinition> actions() {
    return actions;
  }

  /**
   * The action's priority for this customer, empty when not eligible by its condition.
   *
   * @param audiences the customer's memberships, which eligibleWhen and the score read as
   *     {@code audiences}
   */
  public Optional<Double> priorityOf(ActionDefinition action, InteractionEvent lastEvent,
      Map<String, Object> profile, Collection<String> audiences,
      Consumer<ConditionEvaluationException> onError) {
    try {
      Condition condition = eligibleWhen.get(action.id());
      if (condition != null && !condition.evaluate(lastEvent, profile, audiences)) {
        return Optional.empty();
      }
      Score score = scores.get(action.id());
      return Optional.of(score == null ? action.priority()
          : score.evaluate(lastEvent, profile, audiences));
    } catch (ConditionEvaluationException e) {
      onError.accept(e);
      return Optional.empty();
    }
  }
}
