package io.journeyorchestrator.condition;

import dev.cel.runtime.CelVariableResolver;
import io.journeyorchestrator.avro.InteractionEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds {@code event}, {@code profile} and {@code audiences} for one evaluation. Built per call (a few small objects,
 * no copying) rather than reused, so a {@link Condition} stays safe to share between threads.
 */
final class EventActivation implements CelVariableResolver {

  private final Optional<Object> event;
  private final Optional<Object> profile;
  private final Optional<Object> audiences;

  EventActivation(InteractionEvent event, Map<String, Object> profile) {
    this(event, profile, List.of());
  }

  EventActivation(InteractionEvent event, Map<String, Object> profile,
      Collection<String> audiences) {
    this.event = Optional.of(new EventView(event));
    this.profile = Optional.of(new CelValueMap(profile == null ? Map.of() : profile));
    this.audiences = Optional.of(audiences instanceof List<?> ? audiences : List.copyOf(audiences));
  }

  @Override
  public Optional<Object> find(String name) {
    switch (name) {
      case ConditionEnvironment.EVENT:
        return event;
      case ConditionEnvironment.PROFILE:
        return profile;
      case ConditionEnvironment.AUDIENCES:
        return audiences;
      default:
        return Optional.empty();
    }
  }
}
