package io.journeyorchestrator.condition;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Derives from a condition's AST the event types it can only be true for, so the router can skip a
 * pattern for events that cannot match.
 *
 * <p>Soundness over completeness: a set is claimed only when every way for the condition to be
 * true requires {@code event.type} to be in it. Recognised shapes are {@code event.type == "a"}
 * (either side), {@code event.type in ["a", "b"]} with string literals only, {@code &&} (the
 * intersection of the sides that constrain the type) and {@code ||} (the union, only if both sides
 * constrain it). Everything else, including negation and the ternary, constrains nothing. The walk
 * never enters comprehensions, so a loop variable named {@code event} cannot be mistaken for the
 * event.
 */
final class RequiredEventTypes {

  private static final String EQUALS = "_==_";
  private static final String AND = "_&&_";
  private static final String OR = "_||_";
  private static final String IN = "@in";

  private RequiredEventTypes() {}

  static Optional<Set<String>> derive(CelExpr expr) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.CALL || expr.call().target().isPresent()) {
      return Optional.empty();
    }
    List<CelExpr> args = expr.call().args();
    switch (expr.call().function()) {
      case EQUALS:
        return args.size() == 2 ? equality(args.get(0), args.get(1)) : Optional.empty();
      case IN:
        return args.size() == 2 && isEventType(args.get(0))
            ? stringLiterals(args.get(1))
            : Optional.empty();
      case AND:
        return conjunction(args);
      case OR:
        return disjunction(args);
      default:
        return Optional.empty();
    }
  }

  private static Optional<Set<String>> equality(CelExpr left, CelExpr right) {
    if (isEventType(left)) {
      return stringLiteral(right).map(Set::of);
    }
    if (isEventType(right)) {
      return stringLiteral(left).map(Set::of);
    }
    return Optional.empty();
  }

  /** Any side that pins the type pins the whole conjunction; several sides intersect. */
  private static Optional<Set<String>> conjunction(List<CelExpr> args) {
    Set<String> result = null;
    for (CelExpr arg : args) {
      Optional<Set<String>> side = derive(arg);
      if (side.isPresent()) {
        if (result == null) {
          result = new HashSet<>(side.get());
        } else {
          result.retainAll(side.get());
        }
      }
    }
    return result == null ? Optional.empty() : Optional.of(Set.copyOf(result));
  }

  /** One side that does not pin the type lets any event through the disjunction. */
  private static Optional<Set<String>> disjunction(List<CelExpr> args) {
    Set<String> result = new HashSet<>();
    for (CelExpr arg : args) {
      Optional<Set<String>> side = derive(arg);
      if (side.isEmpty()) {
        return Optional.empty();
      }
      result.addAll(side.get());
    }
    return Optional.of(Set.copyOf(result));
  }

  private static boolean isEventType(CelExpr expr) {
    return EventStructType.isEventField(expr, EventStructType.TYPE);
  }

  static Optional<String> stringLiteral(CelExpr expr) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
        && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
      return Optional.of(expr.constant().stringValue());
    }
    return Optional.empty();
  }

  private static Optional<Set<String>> stringLiterals(CelExpr expr) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.LIST || !expr.list().optionalIndices().isEmpty()) {
      return Optional.empty();
    }
    Set<String> result = new HashSet<>();
    for (CelExpr element : expr.list().elements()) {
      Optional<String> literal = stringLiteral(element);
      if (literal.isEmpty()) {
        return Optional.empty();
      }
      result.add(literal.get());
    }
    return Optional.of(Set.copyOf(result));
  }
}
