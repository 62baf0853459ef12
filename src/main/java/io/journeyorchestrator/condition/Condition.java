package io.journeyorchestrator.condition;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.journeyorchestrator.avro.InteractionEvent;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A type-checked CEL condition over {@code event}, {@code profile}, {@code audiences} and
 * {@code steps}, obtained only from {@link
 * ConditionCompiler#compile}.
 *
 * <p>Flink ships it to task managers by Java serialization, so only the source text and the derived
 * event types travel; the CEL program is rebuilt on first use after deserialization. The program is
 * immutable and thread-safe; building it twice in a race is harmless.
 */
public final class Condition implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String source;
  /** Null when the condition does not pin the event type (Optional is not Serializable). */
  private final Set<String> requiredEventTypes;

  private final boolean readsProfile;

  private final boolean readsAudiences;

  private final Set<String> audiencesNamed;

  private final Set<String> stepsNamed;

  private transient volatile CelRuntime.Program program;

  Condition(String source, Set<String> requiredEventTypes, boolean readsProfile,
      boolean readsAudiences, Set<String> audiencesNamed, Set<String> stepsNamed,
      CelRuntime.Program program) {
    this.source = Objects.requireNonNull(source, "source");
    this.requiredEventTypes = requiredEventTypes == null ? null : Set.copyOf(requiredEventTypes);
    this.readsProfile = readsProfile;
    this.readsAudiences = readsAudiences;
    this.audiencesNamed = Set.copyOf(audiencesNamed);
    this.stepsNamed = Set.copyOf(stepsNamed);
    this.program = program;
  }

  /** Whether the condition mentions {@code profile}; one that does not sees the same without it. */
  public boolean readsProfile() {
    return readsProfile;
  }

  /** Whether the condition mentions {@code audiences}, the customer's current memberships. */
  public boolean readsAudiences() {
    return readsAudiences;
  }

  /** The audience ids the condition tests membership of, as {@code "id" in audiences}. */
  public Set<String> audiencesNamed() {
    return audiencesNamed;
  }

  /**
   * The steps whose events the condition reads, as {@code steps.<name>}: such a condition depends
   * on the partial match it is judged for, not only on the event.
   */
  public Set<String> stepsNamed() {
    return stepsNamed;
  }

  /** Whether the condition reads {@code steps}, the events of earlier steps. */
  public boolean readsSteps() {
    return !stepsNamed.isEmpty();
  }

  public String source() {
    return source;
  }

  /**
   * true/false, or throws ConditionEvaluationException (a checked exception, with a readable
   * message) when CEL evaluation fails, e.g. an absent attribute read without {@code has()}, a type
   * mismatch on a dyn value, or a dyn result that is not a bool.
   */
  public boolean evaluate(InteractionEvent event, Map<String, Object> profile)
      throws ConditionEvaluationException {
    return evaluate(event, profile, List.of());
  }

  /**
   * As {@link #evaluate(InteractionEvent, Map)}, with the bindings of an event that several
   * conditions are evaluated on ({@link #bind}).
   */
  public boolean evaluate(Bindings bindings) throws ConditionEvaluationException {
    return evaluate(bindings.activation);
  }

  /** The bindings of {@code event} and {@code profile}, built once for every condition on it. */
  public static Bindings bind(InteractionEvent event, Map<String, Object> profile) {
    return new Bindings(new EventActivation(event, profile));
  }

  /** An event and profile bound for evaluation; read-only, for one thread's evaluations. */
  public static final class Bindings {
    private final EventActivation activation;

    private Bindings(EventActivation activation) {
      this.activation = activation;
    }
  }

  /** As {@link #evaluate(InteractionEvent, Map)}, with the customer's current memberships. */
  public boolean evaluate(InteractionEvent event, Map<String, Object> profile,
      Collection<String> audiences) throws ConditionEvaluationException {
    return evaluate(new EventActivation(event, profile, audiences));
  }

  /**
   * As {@link #evaluate(InteractionEvent, Map)}, for one partial match: {@code steps} has, by step
   * name, the events the earlier steps it names took, in order.
   */
  public boolean evaluate(InteractionEvent event, Map<String, Object> profile,
      Map<String, List<InteractionEvent>> steps) throws ConditionEvaluationException {
    return evaluate(new EventActivation(event, profile, List.of(), steps));
  }

  private boolean evaluate(EventActivation activation) throws ConditionEvaluationException {
    CelRuntime.Program compiled = program();
    Object result;
    try {
      result = compiled.eval(activation);
    } catch (CelEvaluationException e) {
      throw new ConditionEvaluationException(source, e.getMessage(), e);
    } catch (RuntimeException e) {
      // cel-java can still throw unchecked on values it does not expect; one odd event must be
      // counted and skipped, not fail the job.
      throw new ConditionEvaluationException(source, e.toString(), e);
    }
    if (result instanceof Boolean) {
      return (Boolean) result;
    }
    throw new ConditionEvaluationException(
        source, "result is " + describe(result) + ", not bool", null);
  }

  /**
   * The event types this condition can only be true for, if derivable from the AST: e.g. {@code
   * event.type == "a"} gives {a}. Empty when not derivable; never a set that would exclude an event
   * the condition could accept. See {@link RequiredEventTypes} for the recognised shapes.
   */
  public Optional<Set<String>> requiredEventTypes() {
    return Optional.ofNullable(requiredEventTypes);
  }

  CelRuntime.Program program() {
    CelRuntime.Program current = program;
    if (current == null) {
      current = ConditionCompiler.program(source);
      program = current;
    }
    return current;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "absent";
    }
    return value.getClass().getSimpleName() + " " + value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Condition && source.equals(((Condition) other).source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return "Condition[" + source + "]";
  }
}
