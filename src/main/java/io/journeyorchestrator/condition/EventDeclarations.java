package io.journeyorchestrator.condition;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What conditions may rely on, as an events catalog declares it: the event types with their typed
 * attributes, the channel symbols events arrive on, and the typed profile facts. {@link
 * DeclaredEventsCheck} checks a condition against it.
 *
 * @param attributesByType every declared event type, with its attributes (possibly none)
 * @param channels the channel symbols in use, a subset of the {@code Channel} enum
 * @param profileFacts the profile facts (possibly none)
 */
public record EventDeclarations(
    Map<String, Map<String, AttributeType>> attributesByType,
    Set<String> channels,
    Map<String, AttributeType> profileFacts) {

  public EventDeclarations {
    Map<String, Map<String, AttributeType>> copy = new HashMap<>();
    attributesByType.forEach((type, attributes) -> copy.put(type, Map.copyOf(attributes)));
    attributesByType = Map.copyOf(copy);
    channels = Set.copyOf(channels);
    profileFacts = Map.copyOf(profileFacts);
  }
}
