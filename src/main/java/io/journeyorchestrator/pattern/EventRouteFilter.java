package io.journeyorchestrator.pattern;

import io.journeyorchestrator.internal.avro.JourneyEvent;
import java.util.Set;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Lets through only the event types a pattern can use, before the events reach its operator, so
 * the cost of a pattern grows with the events it cares about, not with all events.
 */
final class EventRouteFilter implements FilterFunction<JourneyEvent> {
  private final Set<String> eventTypes;

  EventRouteFilter(Set<String> eventTypes) {
    this.eventTypes = Set.copyOf(eventTypes);
  }

  @Override
  public boolean filter(JourneyEvent value) {
    return eventTypes.contains(value.getEvent().getType());
  }
}
