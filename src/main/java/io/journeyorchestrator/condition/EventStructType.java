package io.journeyorchestrator.condition;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.List;
import java.util.Optional;

/**
 * The CEL type checker's view of an {@code InteractionEvent}: a struct with a fixed set of typed
 * fields, so a typo such as {@code event.chanel} or a comparison such as {@code event.type > 3} fails
 * when the config is loaded instead of on every event.
 *
 * <p>Only the checker sees this struct. At run time the event is handed to CEL as an {@link
 * EventView}, a map with exactly these keys: cel-java 0.14.0's default (legacy) runtime selects
 * fields of a map the same way as fields of a message, and cannot evaluate a custom struct value.
 * The field names here and the keys of {@link EventView} must therefore stay identical.
 */
final class EventStructType {

  /** Qualified so it cannot clash with a name an analyst would write. */
  static final String NAME = "io.journeyorchestrator.InteractionEvent";

  static final String EVENT_ID = "eventId";
  static final String CUSTOMER_ID = "customerId";
  static final String TIMESTAMP = "timestamp";
  static final String TYPE = "type";
  static final String CHANNEL = "channel";
  static final String ATTRIBUTES = "attributes";

  /** In the order error messages list them. */
  static final ImmutableSet<String> FIELD_NAMES =
      ImmutableSet.of(ATTRIBUTES, CHANNEL, CUSTOMER_ID, EVENT_ID, TIMESTAMP, TYPE);

  static final MapType STRING_TO_DYN = MapType.create(SimpleType.STRING, SimpleType.DYN);

  static final StructType TYPE_DECL = withAttributes(STRING_TO_DYN);

  /** An event an earlier step took, as {@code steps.<name>.all} lists them. */
  static final String TAKEN_NAME = "io.journeyorchestrator.TakenEvent";

  /**
   * What {@code steps.<name>} is: the event the step took (its last, for a repeated step), with
   * {@code all}, every event it took in order.
   */
  static final String STEP_NAME = "io.journeyorchestrator.StepEvent";

  static final String ALL = "all";

  static final ImmutableSet<String> STEP_FIELD_NAMES = ImmutableSet.<String>builder()
      .addAll(FIELD_NAMES).add(ALL).build();

  static final StructType TAKEN_DECL = StructType.create(TAKEN_NAME, FIELD_NAMES,
      field -> ATTRIBUTES.equals(field) ? Optional.of(STRING_TO_DYN) : fieldType(field));

  static final StructType STEP_DECL = StructType.create(STEP_NAME, STEP_FIELD_NAMES,
      field -> ALL.equals(field) ? Optional.of(ListType.create(TAKEN_DECL))
          : ATTRIBUTES.equals(field) ? Optional.of(STRING_TO_DYN) : fieldType(field));

  /** The type of {@code steps}: by step name, what that step took. */
  static final MapType STEPS_DECL = MapType.create(SimpleType.STRING, STEP_DECL);

  /**
   * The event struct with {@code attributes} of the given type: a map for the run-time
   * environment, or a struct of declared attributes when a condition is checked against an
   * events catalog ({@link DeclaredEventsCheck}).
   */
  static StructType withAttributes(CelType attributesType) {
    return StructType.create(NAME, FIELD_NAMES,
        field -> ATTRIBUTES.equals(field) ? Optional.of(attributesType) : fieldType(field));
  }

  /** Lets the checker resolve these struct types (and {@link #NAME} among them) by name, and no others. */
  static CelTypeProvider provider(List<StructType> structs) {
    ImmutableList<CelType> types = ImmutableList.copyOf(structs);
    return new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return types;
      }

      @Override
      public Optional<CelType> findType(String typeName) {
        return types.stream().filter(type -> type.name().equals(typeName)).findFirst();
      }
    };
  }

  private EventStructType() {}

  /** Whether {@code expr} reads {@code event.<field>} (a {@code has()} test is not a read). */
  static boolean isEventField(CelExpr expr, String field) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.SELECT) {
      return false;
    }
    CelExpr.CelSelect select = expr.select();
    return !select.testOnly()
        && field.equals(select.field())
        && select.operand().getKind() == CelExpr.ExprKind.Kind.IDENT
        && ConditionEnvironment.EVENT.equals(select.operand().ident().name());
  }

  private static Optional<CelType> fieldType(String fieldName) {
    switch (fieldName) {
      case EVENT_ID:
      case CUSTOMER_ID:
      case TYPE:
      case CHANNEL:
        return Optional.of(SimpleType.STRING);
      case TIMESTAMP:
        return Optional.of(SimpleType.TIMESTAMP);
      default:
        return Optional.empty();
    }
  }
}
