package io.journeyorchestrator.pattern.condition;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
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

  static final StructType TYPE_DECL =
      StructType.create(NAME, FIELD_NAMES, EventStructType::fieldType);

  /** Lets the checker resolve {@link #NAME}; it knows no other custom type. */
  static final CelTypeProvider TYPE_PROVIDER =
      new CelTypeProvider() {
        @Override
        public ImmutableCollection<CelType> types() {
          return ImmutableList.of(TYPE_DECL);
        }

        @Override
        public Optional<CelType> findType(String typeName) {
          return NAME.equals(typeName) ? Optional.of(TYPE_DECL) : Optional.empty();
        }
      };

  private EventStructType() {}

  private static Optional<CelType> fieldType(String fieldName) {
    switch (fieldName) {
      case EVENT_ID:
      case CUSTOMER_ID:
      case TYPE:
      case CHANNEL:
        return Optional.of(SimpleType.STRING);
      case TIMESTAMP:
        return Optional.of(SimpleType.TIMESTAMP);
      case ATTRIBUTES:
        return Optional.of(STRING_TO_DYN);
      default:
        return Optional.empty();
    }
  }
}
