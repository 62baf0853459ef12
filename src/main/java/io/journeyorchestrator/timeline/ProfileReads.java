package io.journeyorchestrator.timeline;

import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionCompiler;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.matching.CompiledPattern;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The event types whose conditions can look at the customer's profile, so the timeline reads the
 * profile from state only for those (it is the largest state a customer has, and the most costly
 * read of the event path). An event of any other type is released with an empty profile: no
 * condition that sees it mentions {@code profile}, so none can tell.
 *
 * <p>A step condition that mentions {@code profile} needs it for the types it pins (every type if
 * it pins none). An audience's {@code enterWhen} that mentions it sees the last present event of
 * each entering pattern's match: it needs it for the types that pattern's last present step pins.
 */
public final class ProfileReads implements Serializable {
  /** Null: every type. */
  private final Set<String> types;

  private ProfileReads(Set<String> types) {
    this.types = types == null ? null : Set.copyOf(types);
  }

  public static ProfileReads everyType() {
    return new ProfileReads(null);
  }

  public static ProfileReads of(List<CompiledPattern> patterns,
      List<AudienceDefinition> audiences) {
    Set<String> types = new HashSet<>();
    Map<String, CompiledPattern> byId = new HashMap<>();
    for (CompiledPattern pattern : patterns) {
      byId.put(pattern.id(), pattern);
      for (int s = 0; s < pattern.definition().steps().size(); s++) {
        Condition condition = pattern.condition(s);
        if (condition.readsProfile() && !addTypes(types, condition)) {
          return everyType();
        }
      }
    }
    for (AudienceDefinition audience : audiences) {
      Optional<String> enterWhen = audience.enterWhenOptional();
      if (enterWhen.isEmpty() || !readsProfile(enterWhen.get())) {
        continue;
      }
      for (String patternId : audience.enter()) {
        CompiledPattern pattern = byId.get(patternId);
        if (pattern == null) {
          return everyType();
        }
        for (int step : lastPresentSteps(pattern)) {
          if (!addTypes(types, pattern.condition(step))) {
            return everyType();
          }
        }
      }
    }
    return new ProfileReads(types);
  }

  public boolean needsProfile(String eventType) {
    return types == null || types.contains(eventType);
  }

  /** @return false when the condition pins no type (every type may need the profile) */
  private static boolean addTypes(Set<String> types, Condition condition) {
    Optional<Set<String>> pinned = condition.requiredEventTypes();
    pinned.ifPresent(types::addAll);
    return pinned.isPresent();
  }

  private static boolean readsProfile(String source) {
    return ConditionCompiler.compile(source).condition().map(Condition::readsProfile)
        .orElse(true);
  }

  /** The steps a match's last event may belong to: the last present one, or its whole group. */
  private static List<Integer> lastPresentSteps(CompiledPattern pattern) {
    List<StepDefinition> steps = pattern.definition().steps();
    int step = steps.size() - 1;
    while (step > 0 && steps.get(step).absent()) {
      step--;
    }
    StepDefinition.AnyOrder group = steps.get(step).group();
    if (group == null) {
      return List.of(step);
    }
    List<Integer> members = new ArrayList<>();
    for (int m = group.first(); m <= group.last(); m++) {
      members.add(m);
    }
    return members;
  }
}
