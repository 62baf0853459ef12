package io.journeyorchestrator.condition;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import java.util.List;

/**
 * Checks a score: a CEL expression over the profile that must evaluate to a number (an action's
 * {@code priority}), in the same environment as conditions, so that a score that does not type
 * is a config error at load time and never a failure on an event.
 */
public final class ScoreCompiler {
  private static final List<CelType> NUMBERS =
      List.of(SimpleType.INT, SimpleType.UINT, SimpleType.DOUBLE, SimpleType.DYN);

  private ScoreCompiler() {}

  /** The compiled score; empty when {@link #check} finds it invalid. */
  public static java.util.Optional<Score> score(String expression) {
    return compile(expression).map(program -> new Score(expression, program));
  }

  static java.util.Optional<dev.cel.runtime.CelRuntime.Program> compile(String expression) {
    if (!check(expression).isEmpty()) {
      return java.util.Optional.empty();
    }
    try {
      Cel cel = ConditionEnvironment.cel();
      return java.util.Optional.of(cel.createProgram(cel.check(cel.parse(expression).getAst())
          .getAst()));
    } catch (Exception e) {
      return java.util.Optional.empty();
    }
  }

  /** The reasons {@code expression} is not a valid score; empty when it is one. */
  public static List<ConditionError> check(String expression) {
    if (expression == null || expression.isBlank()) {
      return List.of(ConditionError.unplaced("score is empty"));
    }
    try {
      CelValidationResult parsed = ConditionEnvironment.cel().parse(expression);
      if (parsed.hasError()) {
        return List.of(SyntaxErrorHints.explain(parsed.getErrors().get(0), expression));
      }
      CelValidationResult checked = ConditionEnvironment.cel().check(parsed.getAst());
      if (checked.hasError()) {
        return List.of(ConditionError.unplaced(checked.getErrors().get(0).getMessage()));
      }
      CelAbstractSyntaxTree ast = checked.getAst();
      // dyn is accepted as conditions accept it: profile fields are typed only at run time.
      if (!NUMBERS.contains(ast.getResultType())) {
        return List.of(ConditionError.unplaced("a score must evaluate to a number, but `"
            + expression + "` has type " + ast.getResultType().name()));
      }
      return List.of();
    } catch (Exception e) {
      // As for conditions: CEL failing on odd input is still a config error, not a crash.
      return List.of(ConditionError.unplaced("score could not be compiled: " + e.getMessage()));
    }
  }
}
