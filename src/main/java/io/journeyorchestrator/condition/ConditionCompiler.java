package io.journeyorchestrator.condition;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSource;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns an analyst's CEL text into a {@link Condition}, or into the reasons it cannot be one:
 * parse errors, type errors, unknown {@code event} fields, struct literals, and results that cannot
 * be bool. All of this happens at config-load time so a bad condition never reaches a running job.
 */
public final class ConditionCompiler {

  private static final String UNDEFINED_FIELD = "undefined field";

  private ConditionCompiler() {}

  /** Compiles and type-checks; never throws for bad user input. */
  public static CompileResult compile(String expression) {
    if (expression == null || expression.isBlank()) {
      return CompileResult.failure(List.of(ConditionError.unplaced("condition is empty")));
    }
    try {
      return compileChecked(expression);
    } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
      // CEL reports user mistakes as issues; anything thrown is CEL failing on odd input, which
      // must still come back as a config error rather than abort config loading.
      return CompileResult.failure(List.of(
          ConditionError.unplaced("condition could not be compiled: " + e.getMessage())));
    }
  }

  /** The program for a condition that compiled before, e.g. after deserialization. */
  static CelRuntime.Program program(String expression) {
    CompileResult result = compile(expression);
    return result
        .condition()
        .map(Condition::program)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "condition `" + expression + "` no longer compiles: " + result.errors()));
  }

  private static CompileResult compileChecked(String expression)
      throws CelValidationException, CelEvaluationException {
    Cel cel = ConditionEnvironment.cel();
    CelValidationResult parsed = cel.parse(expression);
    if (parsed.hasError()) {
      // Only the first: the parser's recovery turns one slip into several errors after it.
      return CompileResult.failure(
          List.of(SyntaxErrorHints.explain(parsed.getErrors().get(0), expression)));
    }
    CelAbstractSyntaxTree parsedAst = parsed.getAst();

    List<ConditionError> structErrors = new ArrayList<>(rejectStructLiterals(parsedAst, expression));
    structErrors.addAll(rejectWholeSteps(parsedAst, expression));
    if (!structErrors.isEmpty()) {
      return CompileResult.failure(structErrors);
    }

    CelValidationResult checked = cel.check(parsedAst);
    if (checked.hasError()) {
      return CompileResult.failure(
          explainUnknownEventFields(checked.getErrors(), parsedAst, expression));
    }
    CelAbstractSyntaxTree ast = checked.getAst();

    CelType resultType = ast.getResultType();
    // dyn is accepted: `profile.vip` can only be typed at run time, where a non-bool value becomes a
    // ConditionEvaluationException instead of a match.
    if (!SimpleType.BOOL.equals(resultType) && !SimpleType.DYN.equals(resultType)) {
      return CompileResult.failure(
          List.of(
              ConditionError.unplaced(
                  "condition must evaluate to bool, but `"
                      + expression
                      + "` has type "
                      + resultType.name())));
    }

    Set<String> requiredEventTypes = RequiredEventTypes.derive(ast.getExpr()).orElse(null);
    // Any mention counts, even a comprehension variable of that name: a false "reads" only costs
    // a state read, a false "does not read" would evaluate the condition without the profile.
    boolean readsProfile = CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .anyMatch(node -> DeclaredEventsCheck.isProfile(node.expr()));
    boolean readsAudiences = CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .anyMatch(node -> node.getKind() == CelExpr.ExprKind.Kind.IDENT
            && ConditionEnvironment.AUDIENCES.equals(node.expr().ident().name()));
    return CompileResult.success(new Condition(expression, requiredEventTypes, readsProfile,
        readsAudiences, audiencesNamed(ast), stepsNamed(ast), cel.createProgram(ast)));
  }

  /** The audience ids of {@code "id" in audiences}, so the loader can check that they exist. */
  private static Set<String> audiencesNamed(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.CALL)
        .map(node -> node.expr().call())
        .filter(call -> call.function().equals("@in") && call.args().size() == 2
            && call.args().get(1).getKind() == CelExpr.ExprKind.Kind.IDENT
            && ConditionEnvironment.AUDIENCES.equals(call.args().get(1).ident().name())
            && call.args().get(0).getKind() == CelExpr.ExprKind.Kind.CONSTANT
            && call.args().get(0).constant().getKind() == CelConstant.Kind.STRING_VALUE)
        .map(call -> call.args().get(0).constant().stringValue())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The step names of {@code steps.<name>} and {@code steps["<name>"]} (for names with a dash), so
   * the loader can check that they are earlier steps.
   */
  private static Set<String> stepsNamed(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .map(ConditionCompiler::stepNamed)
        .filter(name -> name != null)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The step a node reads as {@code steps.<name>} or {@code steps["<name>"]}; else null. */
  private static String stepNamed(CelNavigableExpr node) {
    if (node.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      CelExpr.CelSelect select = node.expr().select();
      return isSteps(select.operand()) ? select.field() : null;
    }
    if (node.getKind() == CelExpr.ExprKind.Kind.CALL) {
      CelExpr.CelCall call = node.expr().call();
      if (call.function().equals("_[_]") && call.args().size() == 2
          && isSteps(call.args().get(0))
          && call.args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
          && call.args().get(1).constant().getKind() == CelConstant.Kind.STRING_VALUE) {
        return call.args().get(1).constant().stringValue();
      }
    }
    return null;
  }

  private static boolean isSteps(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.IDENT
        && ConditionEnvironment.STEPS.equals(expr.ident().name());
  }

  /**
   * {@code steps} is read only as {@code steps.<step name>} or {@code steps["<step name>"]}: the
   * loader checks those names, and a step read any other way ({@code steps[event.type]},
   * {@code steps.size()}) could not be checked.
   */
  private static List<ConditionError> rejectWholeSteps(
      CelAbstractSyntaxTree parsedAst, String expression) {
    CelSource source = parsedAst.getSource();
    Set<Long> named = new java.util.HashSet<>();
    CelNavigableAst.fromAst(parsedAst).getRoot().allNodes()
        .filter(node -> stepNamed(node) != null)
        .forEach(node -> named.add(node.getKind() == CelExpr.ExprKind.Kind.SELECT
            ? node.expr().select().operand().id() : node.expr().call().args().get(0).id()));
    return CelNavigableAst.fromAst(parsedAst).getRoot().allNodes()
        .filter(node -> isSteps(node.expr()) && !named.contains(node.id()))
        .map(node -> SyntaxErrorHints.placed(location(node.id(), source), expression,
            "read an earlier step's event as steps.<step name>, or steps[\"<step name>\"] for a"
                + " name with a dash, e.g. steps.placed.attributes.orderId"))
        .collect(Collectors.toList());
  }

  /**
   * The checker accepts {@code io.journeyorchestrator.InteractionEvent{...}} because the type is
   * declared, but the runtime cannot build one; reject it here instead of failing on every event.
   */
  private static List<ConditionError> rejectStructLiterals(
      CelAbstractSyntaxTree parsedAst, String expression) {
    CelSource source = parsedAst.getSource();
    return CelNavigableAst.fromAst(parsedAst)
        .getRoot()
        .allNodes()
        .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.STRUCT)
        .map(
            node ->
                SyntaxErrorHints.placed(
                    location(node.id(), source),
                    expression,
                    "creating messages is not supported in conditions"))
        .collect(Collectors.toList());
  }

  /** CEL says only "undefined field 'chanel'"; for {@code event} we also list what exists. */
  private static List<ConditionError> explainUnknownEventFields(
      List<CelIssue> issues, CelAbstractSyntaxTree parsedAst, String expression) {
    Set<Long> eventSelections =
        CelNavigableAst.fromAst(parsedAst)
            .getRoot()
            .allNodes()
            .filter(ConditionCompiler::selectsFromEvent)
            .map(CelNavigableExpr::id)
            .collect(Collectors.toSet());
    List<ConditionError> messages = new ArrayList<>();
    for (CelIssue issue : issues) {
      if (eventSelections.contains(issue.getExprId())
          && issue.getMessage().startsWith(UNDEFINED_FIELD)) {
        String explained =
            issue.getMessage()
                + " on event; valid fields are: "
                + String.join(", ", EventStructType.FIELD_NAMES);
        messages.add(SyntaxErrorHints.placed(issue.getSourceLocation(), expression, explained));
      } else {
        messages.add(
            SyntaxErrorHints.explainCheck(
                issue.getSourceLocation(), expression, issue.getMessage()));
      }
    }
    return messages;
  }

  private static boolean selectsFromEvent(CelNavigableExpr node) {
    if (node.getKind() != CelExpr.ExprKind.Kind.SELECT) {
      return false;
    }
    CelExpr operand = node.expr().select().operand();
    return operand.getKind() == CelExpr.ExprKind.Kind.IDENT
        && ConditionEnvironment.EVENT.equals(operand.ident().name());
  }

  private static CelSourceLocation location(long exprId, CelSource source) {
    return source
        .getOffsetLocation(source.getPositionsMap().getOrDefault(exprId, 0))
        .orElse(CelSourceLocation.NONE);
  }
}
