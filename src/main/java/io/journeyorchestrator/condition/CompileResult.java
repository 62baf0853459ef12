package io.journeyorchestrator.condition;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of {@link ConditionCompiler#compile}: either a condition or the reasons there is none,
 * never both, never neither.
 *
 * @param condition the compiled condition, present exactly when {@code errors} is empty
 * @param errors why there is no condition, one per problem
 */
public record CompileResult(Optional<Condition> condition, List<ConditionError> errors) {

  public CompileResult {
    Objects.requireNonNull(condition, "condition");
    errors = List.copyOf(errors);
    if (condition.isPresent() == !errors.isEmpty()) {
      throw new IllegalArgumentException(
          "exactly one of condition and errors must be present, got " + condition + " and " + errors);
    }
  }

  static CompileResult success(Condition condition) {
    return new CompileResult(Optional.of(condition), List.of());
  }

  static CompileResult failure(List<ConditionError> errors) {
    return new CompileResult(Optional.empty(), errors);
  }

  public boolean isValid() {
    return condition.isPresent();
  }
}
