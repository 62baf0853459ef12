package io.journeyorchestrator.config;

import io.journeyorchestrator.condition.AttributeType;
import io.journeyorchestrator.condition.EventDeclarations;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A job's {@code events.yaml}: the event types it expects with their attributes, the channels
 * events arrive on, and the profile facts. Conditions are checked against it when the folder
 * loads, and replays report recorded events that do not fit it ({@link EventCatalogCheck}).
 *
 * <p>Events of type {@value #PROFILE_UPDATE_TYPE} carry the profile facts as attributes, so their
 * attributes are the {@link #profile()} facts and are declared only there.
 *
 * @param file where it was read from, for messages
 * @param channels the channel symbols in use, in the order of the {@code Channel} enum
 * @param events every declared event type, by name
 * @param profile the profile facts, by name (possibly none)
 */
public record EventCatalog(
    String file,
    List<String> channels,
    SortedMap<String, EventType> events,
    SortedMap<String, Attribute> profile)
    implements Serializable {

  public static final String FILE = "events.yaml";
  /** The type whose attributes the timeline merges into the profile (CustomerTimelineFunction). */
  public static final String PROFILE_UPDATE_TYPE = "profile.updated";
  /** A customer's erasure request: the job forgets them (see CustomerTimeline). */
  public static final String ERASURE_TYPE = "customer.erased";

  public EventCatalog {
    channels = List.copyOf(channels);
    events = sorted(events);
    profile = sorted(profile);
  }

  /** One declared event type; {@code description} is empty when not given. */
  public record EventType(String description, SortedMap<String, Attribute> attributes)
      implements Serializable {
    public EventType {
      attributes = sorted(attributes);
    }
  }

  /** A declared attribute or profile fact; profile facts are never {@code required}. */
  public record Attribute(AttributeType type, boolean required, String description)
      implements Serializable {}

  /** The attributes events of a declared type carry, or empty for a type not declared. */
  public Optional<SortedMap<String, Attribute>> attributesOf(String eventType) {
    EventType declared = events.get(eventType);
    if (declared == null) {
      return Optional.empty();
    }
    return Optional.of(PROFILE_UPDATE_TYPE.equals(eventType) ? profile : declared.attributes());
  }

  /** What conditions are checked against. */
  public EventDeclarations declarations() {
    Map<String, Map<String, AttributeType>> attributes = new LinkedHashMap<>();
    events.keySet().forEach(type -> attributes.put(type, types(attributesOf(type).get())));
    return new EventDeclarations(attributes, Set.copyOf(channels), types(profile));
  }

  private static Map<String, AttributeType> types(Map<String, Attribute> attributes) {
    Map<String, AttributeType> types = new LinkedHashMap<>();
    attributes.forEach((name, attribute) -> types.put(name, attribute.type()));
    return types;
  }

  private static <V> SortedMap<String, V> sorted(Map<String, V> map) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(map));
  }
}
