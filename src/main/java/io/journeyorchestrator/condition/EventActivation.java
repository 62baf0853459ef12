package io.journeyorchestrator.condition;

import dev.cel.runtime.CelVariableResolver;
import io.journeyorchestrator.avro.InteractionEvent;
import java.util.Map;
import java.util.Optional;

/**
 * Binds {@code event} and {@code profile} for one evaluation. Built per call (a few small objects,
 * no copying) rather than reused, so a {@link Condition} stays safe to share between threads.
 */
final class EventActivation implements CelVariableResolver {

  private final Optional<Object> event;
  private final Optional<Object> profile;

  EventActivation(InteractionEvent event, Map<String, Object> profile) {
    this.event = Optional.of(new EventView(event));
    this.profile = Optional.of(new CelValueMap(profile == null ? Map.of() : profile));
  }

  @Override
  public Optional<Object> find(String name) {
    switch (name) {
      case ConditionEnvironment.EVENT:
        return event;
      case ConditionEnvironment.PROFILE:
        return profile;
      default:
        return Optional.empty();
    }
  }
}
