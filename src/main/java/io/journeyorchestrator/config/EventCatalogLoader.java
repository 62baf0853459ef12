package io.journeyorchestrator.config;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.condition.AttributeType;
import io.journeyorchestrator.config.EventCatalog.Attribute;
import io.journeyorchestrator.config.EventCatalog.EventType;
import io.journeyorchestrator.config.YamlMapping.Located;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads {@code events.yaml} strictly, like every job file: unknown keys (with the closest valid
 * one), unknown channels and type names (with the valid ones) and empty lists are problems at their
 * file and line.
 *
 * <p>An attribute is written either as its type alone ({@code reason: string}, an optional
 * attribute) or as a mapping ({@code amount: {type: decimal, required: true}}).
 */
final class EventCatalogLoader {
  // As the job loader's keys: schemas/jobs/events.schema.json lists the same.
  /** The keys events.yaml may have. */
  static final List<String> CATALOG_KEYS = List.of("channels", "events", "profile");
  /** The keys an event type in events.yaml may have. */
  static final List<String> EVENT_TYPE_KEYS = List.of("description", "attributes");
  /** The keys an attribute written as a mapping may have. */
  static final List<String> ATTRIBUTE_KEYS = List.of("type", "required", "description");
  /** The keys a profile fact written as a mapping may have. */
  static final List<String> PROFILE_FACT_KEYS = List.of("type", "description");

  private static final List<String> CHANNELS =
      Arrays.stream(Channel.values()).map(Enum::name).toList();

  private EventCatalogLoader() {}

  static Optional<EventCatalog> load(Path file, String display, List<ConfigProblem> problems) {
    Optional<YamlMapping> parsed =
        YamlMapping.parseFile(file, display, "the events catalog", problems);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    YamlMapping catalog = parsed.get();
    int before = problems.size();
    catalog.allowOnly(CATALOG_KEYS);
    List<String> channels = channels(catalog);
    SortedMap<String, EventType> events = new TreeMap<>();
    catalog.mapping("events", true, "events").ifPresent(declared -> {
      requireEntries(declared, catalog, "events", "declare every event type conditions use");
      for (String type : declared.keys()) {
        eventType(declared, type).ifPresent(t -> events.put(type, t));
      }
    });
    SortedMap<String, Attribute> profile = new TreeMap<>();
    catalog.mapping("profile", false, "profile").ifPresent(facts -> {
      requireEntries(facts, catalog, "profile", "leave 'profile' out if there are no facts");
      for (String name : facts.keys()) {
        attribute(facts, name, "profile fact '" + name + "'", false)
            .ifPresent(a -> profile.put(name, a));
      }
    });
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new EventCatalog(display, channels, events, profile));
  }

  private static List<String> channels(YamlMapping catalog) {
    List<String> listed = catalog.requiredList("channels", "[WEB, APP, CALL_CENTER]").stream()
        .filter(channel -> {
          if (CHANNELS.contains(channel.value())) {
            return true;
          }
          catalog.report(channel.line(), "unknown channel '" + channel.value() + "'; use one of: "
              + String.join(", ", CHANNELS));
          return false;
        })
        .map(Located::value)
        .toList();
    return CHANNELS.stream().filter(listed::contains).toList();
  }

  private static Optional<EventType> eventType(YamlMapping events, String type) {
    if (events.holdsNothing(type)) {
      return Optional.of(new EventType("", new TreeMap<>()));
    }
    Optional<YamlMapping> declared = events.mapping(type, true, "event type '" + type + "'");
    if (declared.isEmpty()) {
      return Optional.empty();
    }
    YamlMapping spec = declared.get();
    spec.allowOnly(EVENT_TYPE_KEYS);
    String description = spec.string("description", false, "").orElse("");
    SortedMap<String, Attribute> attributes = new TreeMap<>();
    Optional<YamlMapping> declaredAttributes =
        spec.mapping("attributes", false, "the attributes of " + type);
    if (declaredAttributes.isPresent() && EventCatalog.PROFILE_UPDATE_TYPE.equals(type)) {
      spec.report(declaredAttributes.get().line(), EventCatalog.PROFILE_UPDATE_TYPE + " carries"
          + " the profile facts: declare them under 'profile', not as its attributes");
      return Optional.empty();
    }
    declaredAttributes.ifPresent(named -> {
      requireEntries(named, spec, "attributes",
          "leave 'attributes' out if " + type + " has none");
      for (String name : named.keys()) {
        attribute(named, name, "attribute '" + name + "'", true)
            .ifPresent(a -> attributes.put(name, a));
      }
    });
    return Optional.of(new EventType(description, attributes));
  }

  private static Optional<Attribute> attribute(YamlMapping parent, String name, String what,
      boolean mayBeRequired) {
    if (!parent.holdsMapping(name)) {
      return parent.string(name, true, "string")
          .flatMap(typeName -> type(parent, name, what, typeName))
          .map(type -> new Attribute(type, false, ""));
    }
    YamlMapping spec = parent.mapping(name, true, what).get();
    spec.allowOnly(mayBeRequired ? ATTRIBUTE_KEYS : PROFILE_FACT_KEYS);
    Optional<AttributeType> type =
        spec.string("type", true, "string").flatMap(t -> type(spec, "type", what, t));
    boolean required = spec.bool("required").orElse(false);
    String description = spec.string("description", false, "").orElse("");
    return type.map(t -> new Attribute(t, required, description));
  }

  private static Optional<AttributeType> type(YamlMapping at, String key, String what,
      String typeName) {
    if (AttributeType.CONFIG_NAMES.contains(typeName)) {
      return Optional.of(AttributeType.valueOf(typeName.toUpperCase()));
    }
    at.report(at.lineOf(key), "unknown type '" + typeName + "' for " + what + "; use one of: "
        + String.join(", ", AttributeType.CONFIG_NAMES));
    return Optional.empty();
  }

  private static void requireEntries(YamlMapping declared, YamlMapping parent, String key,
      String fix) {
    if (declared.keys().isEmpty()) {
      parent.report(parent.lineOf(key), "'" + key + "' must have at least one entry; " + fix);
    }
  }
}
