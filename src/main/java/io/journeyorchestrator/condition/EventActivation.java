package io.journeyorchestrator.condition;

import dev.cel.runtime.CelVariableResolver;
import io.journeyorchestrator.avro.InteractionEvent;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Binds {@code event}, {@code profile}, {@code audiences} and {@code steps} for one evaluation. Built per call (a few small objects,
 * no copying) rather than reused, so a {@link Condition} stays safe to share between threads.
 */
final class EventActivation implements CelVariableResolver {

  private final Optional<Object> event;
  private final Optional<Object> profile;
  private final Optional<Object> audiences;
  private final Optional<Object> steps;

  EventActivation(InteractionEvent event, Map<String, Object> profile) {
    this(event, profile, List.of());
  }

  EventActivation(InteractionEvent event, Map<String, Object> profile,
      Collection<String> audiences) {
    this(event, profile, audiences, Map.of());
  }

  /** @param steps by step name, the events an earlier step of the partial match took, in order */
  EventActivation(InteractionEvent event, Map<String, Object> profile,
      Collection<String> audiences, Map<String, List<InteractionEvent>> steps) {
    this.event = Optional.of(new EventView(Objects.requireNonNull(event, "event")));
    this.profile = Optional.of(new CelValueMap(profile == null ? Map.of() : profile));
    this.audiences = Optional.of(audiences instanceof List<?> ? audiences : List.copyOf(audiences));
    Map<String, Object> views = new HashMap<>();
    steps.forEach((name, taken) -> {
      if (!taken.isEmpty()) {
        views.put(name, new StepView(taken));
      }
    });
    this.steps = Optional.of(views);
  }

  @Override
  public Optional<Object> find(String name) {
    // Not a switch: CEL asks for names it builds per lookup ("event.attributes.x", ...), whose
    // hash codes a switch would compute each time; equals fails fast on their length.
    if (ConditionEnvironment.EVENT.equals(name)) {
      return event;
    }
    if (ConditionEnvironment.PROFILE.equals(name)) {
      return profile;
    }
    if (ConditionEnvironment.AUDIENCES.equals(name)) {
      return audiences;
    }
    if (ConditionEnvironment.STEPS.equals(name)) {
      return steps;
    }
    return Optional.empty();
  }
}
