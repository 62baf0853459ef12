package io.journeyorchestrator.config;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.EventCatalog.Attribute;
import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;

/**
 * What recorded events do not fit a job's events catalog: events of undeclared types or on
 * undeclared channels, attributes that are undeclared, of the wrong type, or required and missing.
 * Each kind is counted with its first example, for the replay summary; the events themselves are
 * neither changed nor dropped. The attributes of {@value EventCatalog#PROFILE_UPDATE_TYPE} events are
 * checked against the profile facts.
 *
 * <p>Replay runs it in its parse operator, which reads the file in order in one subtask, so
 * "first" is the first in the file; checks of several parts of a file {@link #merge} by line. It
 * used to run in a pass of its own before the job, which parsed every line once more: 3.4 s of a
 * 21 s replay of a million events.
 *
 * <p>Per event: one map lookup for the type, one per attribute and one per declared attribute;
 * text is built only for what does not fit.
 */
public final class EventCatalogCheck implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The kinds of misfit, in the order the summary lists them. */
  public enum Finding {
    UNKNOWN_TYPE("unknown event types"),
    UNDECLARED_ATTRIBUTE("undeclared attributes"),
    WRONG_TYPE("attributes of wrong type"),
    MISSING_REQUIRED("missing required attributes"),
    UNDECLARED_CHANNEL("undeclared channels");

    private final String label;

    Finding(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** How often a finding occurred, and where first ({@code firstLine} 0 when never). */
  public record Tally(long count, long firstLine, String first) implements Serializable {
    static final Tally NONE = new Tally(0, 0, "");

    Tally plus(long line, String example) {
      return count == 0 ? new Tally(1, line, example) : new Tally(count + 1, firstLine, first);
    }

    Tally plus(Tally other) {
      if (other.count == 0) {
        return this;
      }
      if (count == 0) {
        return other;
      }
      Tally earlier = firstLine <= other.firstLine ? this : other;
      return new Tally(count + other.count, earlier.firstLine, earlier.first);
    }
  }

  private static final int MAX_VALUE_CHARS = 40;

  private final EventCatalog catalog;
  private final Map<Finding, Tally> tallies = new EnumMap<>(Finding.class);

  public EventCatalogCheck(EventCatalog catalog) {
    this.catalog = catalog;
    for (Finding finding : Finding.values()) {
      tallies.put(finding, Tally.NONE);
    }
  }

  /** Checks one event; {@code line} is its line in the events file, for the first example. */
  public void check(long line, InteractionEvent event) {
    String channel = event.getChannel().name();
    if (!catalog.channels().contains(channel)) {
      add(Finding.UNDECLARED_CHANNEL, line, "channel " + channel);
    }
    String type = event.getType();
    SortedMap<String, Attribute> declared = catalog.attributesOf(type).orElse(null);
    if (declared == null) {
      add(Finding.UNKNOWN_TYPE, line, "type \"" + type + "\"");
      return;
    }
    Map<String, Object> attributes =
        event.getAttributes() == null ? Map.of() : event.getAttributes();
    attributes.forEach((name, value) -> {
      Attribute attribute = declared.get(name);
      if (attribute == null) {
        add(Finding.UNDECLARED_ATTRIBUTE, line, type + " attribute \"" + name + "\"");
      } else if (!attribute.type().accepts(value)) {
        add(Finding.WRONG_TYPE, line, type + " attribute \"" + name + "\" is " + show(value)
            + ", not " + attribute.type().configName());
      }
    });
    declared.forEach((name, attribute) -> {
      if (attribute.required() && attributes.get(name) == null) {
        add(Finding.MISSING_REQUIRED, line, type + " without \"" + name + "\"");
      }
    });
  }

  /** Adds another check's findings; the first example is the one of the lower line. */
  public void merge(EventCatalogCheck other) {
    other.tallies.forEach((finding, tally) -> tallies.put(finding, tallies.get(finding).plus(tally)));
  }

  /** Every finding, zero or not, in {@link Finding} order. */
  public Map<Finding, Tally> tallies() {
    return Collections.unmodifiableMap(tallies);
  }

  private void add(Finding finding, long line, String example) {
    tallies.put(finding, tallies.get(finding).plus(line, example));
  }

  private static String show(Object value) {
    String text = value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
    return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS) + "...";
  }
}
