package io.journeyorchestrator.io;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.io.MalformedEventException.Reason;

/**
 * What an event's ids must be before they become keys of state and outputs: present, at most
 * {@link #MAX_ID_CHARS} characters, and free of control characters (any other Unicode is fine).
 * A 600 KB customer id would otherwise sit in keyed state and in every output of that customer.
 */
public final class EventIdentity {
  /** Longer than any UUID, e-mail or hashed id a channel sends; OPERATIONS.md, Event time. */
  public static final int MAX_ID_CHARS = 256;
  public static final int MAX_TYPE_CHARS = 128;

  private EventIdentity() {}

  public static void check(InteractionEvent event) throws MalformedEventException {
    check("eventId", event.getEventId(), MAX_ID_CHARS);
    check("customerId", event.getCustomerId(), MAX_ID_CHARS);
    check("type", event.getType(), MAX_TYPE_CHARS);
  }

  private static void check(String field, String value, int limit)
      throws MalformedEventException {
    if (value == null || value.isBlank()) {
      throw new MalformedEventException(Reason.MISSING_FIELD, "missing " + field);
    }
    if (value.length() > limit) {
      throw new MalformedEventException(Reason.OVERSIZED, field + " of " + value.length()
          + " characters is longer than the limit of " + limit + " (starts "
          + printable(value.substring(0, 32)) + "…)");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new MalformedEventException(Reason.BAD_FIELD, field + " contains control character "
            + String.format("U+%04X", (int) c) + " at position " + i + ": "
            + printable(value));
      }
    }
  }

  /** The value with control characters escaped, so a dead letter's reason reads on one line. */
  private static String printable(String value) {
    StringBuilder out = new StringBuilder("'");
    value.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04X", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.append('\'').toString();
  }
}
