package io.journeyorchestrator.matching;

import io.journeyorchestrator.condition.CompileResult;
import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionCompiler;
import io.journeyorchestrator.config.Durations;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A validated pattern with its conditions compiled, the events it needs, and the fingerprint of
 * its normalized definition. The fingerprint is part of the operator uid, so a changed definition
 * starts with fresh partial matches instead of resuming state built for other steps.
 */
public final class CompiledPattern implements Serializable {
  private final PatternDefinition definition;
  private final List<Condition> conditions;
  private final String fingerprint;
  private final Set<String> routedEventTypes;

  private CompiledPattern(PatternDefinition definition, List<Condition> conditions) {
    this.definition = definition;
    this.conditions = List.copyOf(conditions);
    this.fingerprint = fingerprintOf(definition);
    this.routedEventTypes = routedEventTypes(definition, conditions);
  }

  /** Compiles a definition that {@code JobLoader} already validated. */
  public static CompiledPattern compile(PatternDefinition definition) {
    List<Condition> conditions = new ArrayList<>();
    for (StepDefinition step : definition.steps()) {
      CompileResult result = ConditionCompiler.compile(step.when());
      conditions.add(result.condition().orElseThrow(() -> new IllegalArgumentException(
          definition.file() + ": step '" + step.name() + "': " + result.errors())));
    }
    return new CompiledPattern(definition, conditions);
  }

  public PatternDefinition definition() {
    return definition;
  }

  public String id() {
    return definition.id();
  }

  public Condition condition(int step) {
    return conditions.get(step);
  }

  /**
   * Bit {@code s} set when step {@code s}'s condition reads earlier steps' events ({@code
   * steps.<name>}), so that it is judged per partial match.
   */
  public long stepsReadingSteps() {
    long mask = 0;
    for (int s = 0; s < conditions.size(); s++) {
      if (conditions.get(s).readsSteps()) {
        mask |= 1L << s;
      }
    }
    return mask;
  }

  /** Bit {@code s} set when some step's condition reads step {@code s}'s events. */
  public long stepsReadByOthers() {
    long mask = 0;
    for (Condition condition : conditions) {
      for (String named : condition.stepsNamed()) {
        for (int s = 0; s < definition.steps().size(); s++) {
          if (definition.steps().get(s).name().equals(named)) {
            mask |= 1L << s;
          }
        }
      }
    }
    return mask;
  }

  /** First 8 bytes of the SHA-256 of the normalized definition, in hex. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Stable uid of the operator holding this pattern's partial matches. */
  public String operatorUid() {
    return "pattern/" + id() + "/" + fingerprint;
  }

  /**
   * Event types that can affect this pattern, or empty when every event can: a step whose
   * condition does not pin the type, or a strict step (any event breaks strict contiguity).
   */
  public Optional<Set<String>> routedEventTypes() {
    return Optional.ofNullable(routedEventTypes);
  }

  /** The semantics of the definition in one canonical text: descriptions and lines left out. */
  public static String normalized(PatternDefinition d) {
    StringBuilder text = new StringBuilder("id=").append(d.id());
    for (StepDefinition s : d.steps()) {
      text.append("\nstep=").append(s.name())
          .append(" when=").append(s.when().trim())
          .append(" times=").append(s.times())
          .append(" absent=").append(s.absent())
          .append(" contiguity=").append(s.contiguity().configName());
      if (s.within() != null) {
        // Only when set, so the fingerprints of patterns without step windows stay as they were.
        text.append(" within=").append(Durations.format(s.within()));
      }
      if (s.group() != null) {
        text.append(" anyOrder=").append(s.group().first()).append('/')
            .append(s.group().size()).append('/').append(s.group().atLeast());
      }
    }
    text.append("\nwithin=").append(d.within() == null ? "-" : Durations.format(d.within()))
        .append("\nafterMatch=").append(d.afterMatch().configName());
    return text.toString();
  }

  static String fingerprintOf(PatternDefinition definition) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(normalized(definition).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private static Set<String> routedEventTypes(
      PatternDefinition definition, List<Condition> conditions) {
    Set<String> types = new LinkedHashSet<>();
    for (int i = 0; i < conditions.size(); i++) {
      StepDefinition step = definition.steps().get(i);
      boolean followsStrictly = i > 0 && step.contiguity() == StepDefinition.Contiguity.STRICT;
      boolean repeatsStrictly = (!step.times().isOnce() || step.group() != null)
          && step.contiguity() == StepDefinition.Contiguity.STRICT;
      if (followsStrictly || repeatsStrictly) {
        return null;
      }
      Optional<Set<String>> stepTypes = conditions.get(i).requiredEventTypes();
      if (stepTypes.isEmpty()) {
        return null;
      }
      types.addAll(stepTypes.get());
    }
    return Set.copyOf(types);
  }
}
