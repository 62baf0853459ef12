package io.journeyorchestrator.config;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.condition.AttributeType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A first {@code events.yaml} drafted from recorded events, for an analyst to edit: every event
 * type seen with its attributes, the channels seen, and the profile facts (the attributes of
 * {@value EventCatalog#PROFILE_UPDATE_TYPE} events). How often each was seen is written as a
 * comment.
 *
 * <p>An attribute's type is the narrowest that takes every non-null value seen ({@link
 * AttributeType#of}): integers and decimals make a decimal, strings that all read as ISO-8601
 * instants a timestamp. Where no type takes them all (a number here, a string there), the type that
 * takes most of them is written and the comment says so. An attribute is required when every event
 * of its type had a non-null value for it; profile facts are never required. The same events give
 * the same text, in name order.
 */
public final class EventCatalogDraft {
  /** Names written without quotes; anything else is quoted so it cannot break the YAML. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-/]*");

  private final Map<String, TypeSeen> types = new TreeMap<>();
  private final Map<Channel, Long> channels = new EnumMap<>(Channel.class);
  private long events;

  public void add(InteractionEvent event) {
    events++;
    channels.merge(event.getChannel(), 1L, Long::sum);
    TypeSeen type = types.computeIfAbsent(event.getType(), t -> new TypeSeen());
    type.count++;
    if (event.getAttributes() != null) {
      event.getAttributes().forEach((name, value) ->
          type.attributes.computeIfAbsent(name, n -> new AttributeSeen()).add(value));
    }
  }

  public long events() {
    return events;
  }

  public int eventTypes() {
    return types.size();
  }

  public int channels() {
    return channels.size();
  }

  public int profileFacts() {
    TypeSeen updates = types.get(EventCatalog.PROFILE_UPDATE_TYPE);
    return updates == null ? 0 : updates.attributes.size();
  }

  /** The draft; {@code source} names the events file in its heading. */
  public String toYaml(String source) {
    Lines out = new Lines();
    out.add("# Drafted by scripts/catalog.sh from " + source + ": " + String.format("%,d", events)
        + " events of " + types.size() + " types.", "");
    out.add("# Edit it before use: correct inferred types, drop what conditions need not see, add", "");
    out.add("# descriptions. 'name: type' is an optional attribute; 'required: true' means every"
        + " event", "");
    out.add("# of the type had it. Comments count what was seen; see jobs/README.md.", "");
    out.add("channels: [" + channels.keySet().stream().map(Enum::name)
        .collect(Collectors.joining(", ")) + "]", "");
    String perChannel = channels.entrySet().stream()
        .map(e -> e.getKey().name() + " " + String.format("%,d", e.getValue()))
        .collect(Collectors.joining(", "));
    out.add("# events per channel: " + perChannel, "");
    out.add("events:", "");
    types.forEach((name, type) -> {
      String count = String.format("%,d", type.count) + (type.count == 1 ? " event" : " events");
      if (name.equals(EventCatalog.PROFILE_UPDATE_TYPE)) {
        out.add("  " + key(name) + ":", count + "; their attributes are the profile facts below");
        return;
      }
      out.add("  " + key(name) + ":", count);
      if (!type.attributes.isEmpty()) {
        out.add("    attributes:", "");
        type.attributes.forEach((attribute, seen) ->
            out.add("      " + key(attribute) + ": " + seen.declaration(type.count, true),
                seen.comment(type.count)));
      }
    });
    TypeSeen updates = types.get(EventCatalog.PROFILE_UPDATE_TYPE);
    if (updates != null && !updates.attributes.isEmpty()) {
      out.add("profile:", "from " + String.format("%,d", updates.count) + " "
          + EventCatalog.PROFILE_UPDATE_TYPE + " events");
      updates.attributes.forEach((fact, seen) ->
          out.add("  " + key(fact) + ": " + seen.declaration(updates.count, false),
              seen.comment(updates.count)));
    }
    return out.render();
  }

  private static String key(String name) {
    return PLAIN.matcher(name).matches()
        ? name
        : "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(name)) + "\"";
  }

  private static final class TypeSeen {
    long count;
    final Map<String, AttributeSeen> attributes = new TreeMap<>();
  }

  private static final class AttributeSeen {
    private static final List<AttributeType> NARROWEST_FIRST = List.of(AttributeType.INT,
        AttributeType.TIMESTAMP, AttributeType.BOOLEAN, AttributeType.DECIMAL, AttributeType.STRING);

    long nulls;
    final Map<AttributeType, Long> kinds = new EnumMap<>(AttributeType.class);

    void add(Object value) {
      AttributeType kind = AttributeType.of(value);
      if (kind == null) {
        nulls++;
      } else {
        kinds.merge(kind, 1L, Long::sum);
      }
    }

    long values() {
      return kinds.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The type that takes the most values seen; the narrowest on a tie; string for none. */
    AttributeType type() {
      if (kinds.isEmpty()) {
        return AttributeType.STRING;
      }
      AttributeType best = null;
      long bestTaken = -1;
      for (AttributeType candidate : NARROWEST_FIRST) {
        long taken = kinds.entrySet().stream()
            .filter(e -> candidate.includes(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
        if (taken > bestTaken) {
          best = candidate;
          bestTaken = taken;
        }
      }
      return best;
    }

    String declaration(long eventsOfType, boolean mayBeRequired) {
      String type = type().configName();
      return mayBeRequired && values() == eventsOfType
          ? "{type: " + type + ", required: true}"
          : type;
    }

    String comment(long eventsOfType) {
      List<String> notes = new ArrayList<>();
      notes.add("in " + String.format("%,d", values()) + " of " + String.format("%,d",
          eventsOfType));
      if (nulls > 0) {
        notes.add(String.format("%,d", nulls) + " null");
      }
      AttributeType type = type();
      List<String> others = kinds.entrySet().stream()
          .filter(e -> !type.includes(e.getKey()))
          .map(e -> String.format("%,d", e.getValue()) + " " + e.getKey().configName())
          .toList();
      if (!others.isEmpty()) {
        notes.add("also " + String.join(", ", others) + ": pick one type");
      }
      if (kinds.isEmpty()) {
        notes.add("no value seen: the type is a guess");
      }
      return String.join("; ", notes);
    }
  }

  /** Lines with their comments aligned in one column, so the draft reads as a table. */
  private static final class Lines {
    private final List<String[]> lines = new ArrayList<>();

    void add(String text, String comment) {
      lines.add(new String[] {text, comment});
    }

    String render() {
      int column = lines.stream().filter(l -> !l[1].isEmpty())
          .mapToInt(l -> l[0].length()).max().orElse(0) + 2;
      StringBuilder out = new StringBuilder();
      for (String[] line : lines) {
        out.append(line[1].isEmpty()
            ? line[0]
            : line[0] + " ".repeat(column - line[0].length()) + "# " + line[1]);
        out.append('\n');
      }
      return out.toString();
    }
  }
}
