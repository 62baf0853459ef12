package io.journeyorchestrator.condition;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

/**
 * The type of an event attribute or profile fact as an events catalog declares it, with the CEL
 * type the checker gives it and the run-time values that fit it.
 *
 * <p>Run-time values are what the event's attribute map holds: {@code Long}, {@code Double},
 * {@code String} or {@code Boolean} (see {@link CelValueMap}). There is no timestamp among them,
 * so a {@link #TIMESTAMP} attribute is an ISO-8601 string: the checker types it as a string, and a
 * condition converts it with {@code timestamp(event.attributes.x)}. Typing it as a CEL timestamp
 * would pass conditions such as {@code event.attributes.x > timestamp("...")} that fail on every
 * event.
 */
public enum AttributeType {
  STRING(SimpleType.STRING),
  INT(SimpleType.INT),
  DECIMAL(SimpleType.DOUBLE),
  BOOLEAN(SimpleType.BOOL),
  TIMESTAMP(SimpleType.STRING);

  /** The names used in events.yaml, in the order messages list them. */
  public static final List<String> CONFIG_NAMES =
      Arrays.stream(values()).map(AttributeType::configName).toList();

  private final CelType celType;

  AttributeType(CelType celType) {
    this.celType = celType;
  }

  public String configName() {
    return name().toLowerCase();
  }

  CelType celType() {
    return celType;
  }

  /**
   * The narrowest type a run-time value fits: an integral number is {@link #INT}, a string that
   * reads as an ISO-8601 instant is {@link #TIMESTAMP}; null for null.
   */
  public static AttributeType of(Object value) {
    if (value == null) {
      return null;
    }
    Object cel = CelValueMap.toCelValue(value);
    if (cel instanceof Boolean) {
      return BOOLEAN;
    }
    if (cel instanceof Long) {
      return INT;
    }
    if (cel instanceof Double) {
      return DECIMAL;
    }
    if (cel instanceof String text) {
      return isInstant(text) ? TIMESTAMP : STRING;
    }
    return STRING;
  }

  /**
   * Whether a run-time value may stand where this type is declared: null always (it means the
   * value is not set), else when this type {@link #includes} the value's.
   */
  public boolean accepts(Object value) {
    return value == null || includes(of(value));
  }

  /** Each type includes itself; a decimal also includes integers, a string also timestamps. */
  public boolean includes(AttributeType narrower) {
    return narrower == this
        || (this == DECIMAL && narrower == INT)
        || (this == STRING && narrower == TIMESTAMP);
  }

  /** Same readings as event timestamps in replay files: UTC ({@code Z}) or with an offset. */
  private static boolean isInstant(String text) {
    // Most strings are not instants: rule them out before paying for a parse exception.
    if (text.length() < 16 || text.charAt(4) != '-' || Character.toUpperCase(text.charAt(10)) != 'T') {
      return false;
    }
    try {
      Instant.parse(text);
      return true;
    } catch (DateTimeParseException notUtc) {
      try {
        OffsetDateTime.parse(text);
        return true;
      } catch (DateTimeParseException e) {
        return false;
      }
    }
  }
}
