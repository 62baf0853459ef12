package io.journeyorchestrator.condition;

import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.naming.ClosestName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a condition against what an events catalog declares ({@link EventDeclarations}): event
 * types and channels it compares with must be declared, and the attributes and profile facts it
 * reads must be declared with types that fit how it uses them.
 *
 * <p>The typing is CEL's own checker, run in an environment ({@link ConditionEnvironment#checker})
 * where {@code event.attributes} is a struct of the attributes declared for the event types the
 * condition pins ({@link RequiredEventTypes}; all declared types when it pins none), and {@code
 * profile} a struct of the declared facts. An attribute declared with different types for those
 * event types is dyn. Only the checker sees these structs: the condition that runs is still the one
 * {@link ConditionCompiler} compiled, over maps, so a catalog never changes what a condition does.
 *
 * <p>Event types and channels are string literals to CEL, so they are checked by walking the
 * syntax tree: every string compared with {@code event.type} or {@code event.channel} by {@code
 * ==}, {@code !=} or {@code in}.
 */
public final class DeclaredEventsCheck {

  /** Qualified, like the event struct, so they cannot clash with names analysts write. */
  static final String ATTRIBUTES_NAME = "io.journeyorchestrator.EventAttributes";
  static final String PROFILE_NAME = "io.journeyorchestrator.Profile";

  private static final List<String> CHANNEL_ORDER =
      Arrays.stream(Channel.values()).map(Enum::name).toList();

  private final EventDeclarations declared;
  private final CelAbstractSyntaxTree parsed;
  private final Map<Long, CelNavigableExpr> nodes;
  private final List<String> problems = new ArrayList<>();

  private DeclaredEventsCheck(EventDeclarations declared, CelAbstractSyntaxTree parsed) {
    this.declared = declared;
    this.parsed = parsed;
    // In tree order, so that problems come in the order their parts are written.
    this.nodes = CelNavigableAst.fromAst(parsed).getRoot().allNodes()
        .collect(Collectors.toMap(CelNavigableExpr::id, Function.identity(), (a, b) -> a,
            LinkedHashMap::new));
  }

  /**
   * The problems of a condition against the declarations, one readable message each; empty when
   * it fits. Meant for conditions that {@link ConditionCompiler#compile} accepts: a condition that
   * does not parse gives no problems here (compile reports it).
   */
  public static List<String> check(String expression, EventDeclarations declared) {
    CelAbstractSyntaxTree parsed;
    try {
      CelValidationResult result = ConditionEnvironment.cel().parse(expression);
      if (result.hasError()) {
        return List.of();
      }
      parsed = result.getAst();
    } catch (CelValidationException | RuntimeException e) {
      return List.of();
    }
    DeclaredEventsCheck check = new DeclaredEventsCheck(declared, parsed);
    try {
      check.checkComparedStrings();
      check.checkTypes();
    } catch (RuntimeException e) {
      // As in ConditionCompiler: CEL failing on odd input must come back as a config problem.
      check.problems.add("condition could not be checked: " + e);
    }
    return List.copyOf(check.problems);
  }

  private void checkComparedStrings() {
    Set<String> types = new LinkedHashSet<>();
    Set<String> channels = new LinkedHashSet<>();
    nodes.values().forEach(node -> {
      types.addAll(comparedWith(node.expr(), EventStructType.TYPE));
      channels.addAll(comparedWith(node.expr(), EventStructType.CHANNEL));
    });
    Set<String> declaredTypes = declared.attributesByType().keySet();
    for (String type : types) {
      if (!declaredTypes.contains(type)) {
        problems.add("event type '" + type + "' is not declared"
            + suggestion(type, declaredTypes, "Declared types", sorted(declaredTypes)));
      }
    }
    List<String> declaredChannels =
        CHANNEL_ORDER.stream().filter(declared.channels()::contains).toList();
    for (String channel : channels) {
      if (!declared.channels().contains(channel)) {
        problems.add("channel '" + channel + "' "
            + (CHANNEL_ORDER.contains(channel) ? "is not declared" : "does not exist")
            + suggestion(channel, declaredChannels, "Declared channels", declaredChannels));
      }
    }
  }

  /** "; did you mean 'x'? Label: a, b" or, with nothing close, "; label: a, b". */
  private static String suggestion(String name, Collection<String> candidates, String label,
      List<String> listed) {
    String list = listed.isEmpty() ? "(none)" : String.join(", ", listed);
    return ClosestName.among(name, candidates)
        .map(closest -> "; did you mean '" + closest + "'? " + label + ": " + list)
        .orElse("; " + label.toLowerCase() + ": " + list);
  }

  /** String literals that {@code expr} compares with {@code event.<field>}. */
  private static List<String> comparedWith(CelExpr expr, String field) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.CALL || expr.call().args().size() != 2) {
      return List.of();
    }
    CelExpr left = expr.call().args().get(0);
    CelExpr right = expr.call().args().get(1);
    switch (expr.call().function()) {
      case "_==_":
      case "_!=_":
        if (EventStructType.isEventField(left, field)) {
          return RequiredEventTypes.stringLiteral(right).stream().toList();
        }
        return EventStructType.isEventField(right, field)
            ? RequiredEventTypes.stringLiteral(left).stream().toList()
            : List.of();
      case "@in":
        if (!EventStructType.isEventField(left, field)
            || right.getKind() != CelExpr.ExprKind.Kind.LIST) {
          return List.of();
        }
        return right.list().elements().stream()
            .flatMap(element -> RequiredEventTypes.stringLiteral(element).stream())
            .toList();
      default:
        return List.of();
    }
  }

  private void checkTypes() {
    Set<String> pinned = new HashSet<>(RequiredEventTypes.derive(parsed.getExpr()).orElse(Set.of()));
    pinned.retainAll(declared.attributesByType().keySet());
    // A condition that pins only undeclared types was reported above; its attributes are then
    // checked against every type rather than reported again as undeclared for none.
    Collection<String> scope = pinned.isEmpty() ? declared.attributesByType().keySet() : pinned;
    Map<String, CelType> attributes = new TreeMap<>();
    for (String type : scope) {
      declared.attributesByType().get(type).forEach((name, attributeType) ->
          attributes.merge(name, attributeType.celType(),
              (a, b) -> a.equals(b) ? a : SimpleType.DYN));
    }
    Map<String, CelType> facts = new TreeMap<>();
    declared.profileFacts().forEach((name, type) -> facts.put(name, type.celType()));
    StructType attributesStruct = struct(ATTRIBUTES_NAME, attributes);
    StructType profileStruct = struct(PROFILE_NAME, facts);
    Cel checker = ConditionEnvironment.checker(EventStructType.withAttributes(attributesStruct),
        profileStruct, List.of(attributesStruct, profileStruct));
    CelValidationResult checked = checker.check(parsed);
    Scope where = new Scope(scope, !pinned.isEmpty(), attributes.keySet(),
        declared.profileFacts());
    if (checked.hasError()) {
      checked.getErrors().forEach(issue -> problems.add(explain(issue, where)));
      return;
    }
    try {
      CelType result = checked.getAst().getResultType();
      if (!SimpleType.BOOL.equals(result) && !SimpleType.DYN.equals(result)) {
        problems.add("with the declared types the condition is " + result.name()
            + ", not bool");
      }
    } catch (CelValidationException e) {
      problems.add("condition could not be checked: " + e.getMessage());
    }
  }

  /** The event types whose attributes a condition may read, and those attributes and facts. */
  private record Scope(Collection<String> types, boolean pinned, Set<String> attributes,
      Map<String, AttributeType> facts) {
    String label() {
      return pinned ? String.join(", ", sorted(types)) : "any event type";
    }
  }

  private String explain(CelIssue issue, Scope where) {
    CelNavigableExpr node = nodes.get(issue.getExprId());
    if (node != null && node.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      CelExpr.CelSelect select = node.expr().select();
      if (EventStructType.isEventField(select.operand(), EventStructType.ATTRIBUTES)) {
        return "attribute '" + select.field() + "' is not declared for " + where.label()
            + suggestion(select.field(), where.attributes(), "Declared", sorted(where.attributes()));
      }
      if (isProfile(select.operand())) {
        return "profile fact '" + select.field() + "' is not declared"
            + suggestion(select.field(), where.facts().keySet(), "Declared",
                sorted(where.facts().keySet()));
      }
    }
    StringBuilder message = new StringBuilder(withoutCandidates(issue.getMessage()));
    if (issue.getSourceLocation().getColumn() >= 0) {
      message.append(" (column ").append(issue.getSourceLocation().getColumn() + 1).append(')');
    }
    if (node != null && node.getKind() == CelExpr.ExprKind.Kind.CALL) {
      for (CelExpr arg : node.expr().call().args()) {
        declaredType(arg, where).ifPresent(type -> message.append("; ").append(type));
        if (EventStructType.isEventField(arg, EventStructType.ATTRIBUTES) || isProfile(arg)) {
          message.append("; event.attributes and profile hold the declared attributes and facts"
              + " by name: read one, e.g. event.attributes.amount or has(profile.tier)");
        }
      }
    }
    return message.toString();
  }

  /**
   * CEL lists every overload of an operator it could not apply ({@code _>_} has fourteen); the
   * types it was applied to, and the declared types added here, are what an analyst needs.
   */
  private static String withoutCandidates(String celMessage) {
    int candidates = celMessage.indexOf(" (candidates: ");
    return candidates < 0 ? celMessage : celMessage.substring(0, candidates);
  }

  /** "attribute 'amount' is decimal" when {@code expr} reads a declared attribute or fact. */
  private Optional<String> declaredType(CelExpr expr, Scope where) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.SELECT || expr.select().testOnly()) {
      return Optional.empty();
    }
    String name = expr.select().field();
    CelExpr operand = expr.select().operand();
    if (EventStructType.isEventField(operand, EventStructType.ATTRIBUTES)) {
      return declaredAttributeType(name, where).map(type -> "attribute '" + name + "' is " + type);
    }
    if (isProfile(operand) && where.facts().containsKey(name)) {
      return Optional.of("profile fact '" + name + "' is " + where.facts().get(name).configName());
    }
    return Optional.empty();
  }

  /** The attribute's declared type when all event types in scope agree on it. */
  private Optional<String> declaredAttributeType(String name, Scope where) {
    Set<AttributeType> types = new HashSet<>();
    declared.attributesByType().forEach((type, attributes) -> {
      if (where.types().contains(type) && attributes.containsKey(name)) {
        types.add(attributes.get(name));
      }
    });
    return types.size() == 1
        ? Optional.of(types.iterator().next().configName())
        : Optional.empty();
  }

  static boolean isProfile(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.IDENT
        && ConditionEnvironment.PROFILE.equals(expr.ident().name());
  }

  private static StructType struct(String name, Map<String, CelType> fields) {
    return StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
        field -> Optional.ofNullable(fields.get(field)));
  }

  private static List<String> sorted(Collection<String> names) {
    return names.stream().sorted().toList();
  }
}
