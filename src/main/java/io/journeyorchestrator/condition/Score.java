package io.journeyorchestrator.condition;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.journeyorchestrator.avro.InteractionEvent;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled score (see {@link ScoreCompiler}). Like {@link Condition}, only the source travels
 * by Java serialization; the CEL program is rebuilt on first use.
 */
public final class Score implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String source;
  private transient volatile CelRuntime.Program program;

  Score(String source, CelRuntime.Program program) {
    this.source = Objects.requireNonNull(source, "source");
    this.program = program;
  }

  public String source() {
    return source;
  }

  /**
   * The score as a double, or ConditionEvaluationException when CEL fails (e.g. an absent profile
   * field read without {@code has()}) or the result is not a finite number.
   */
  public double evaluate(InteractionEvent event, Map<String, Object> profile)
      throws ConditionEvaluationException {
    return evaluate(event, profile, List.of());
  }

  /** As {@link #evaluate(InteractionEvent, Map)}, with the customer's current memberships. */
  public double evaluate(InteractionEvent event, Map<String, Object> profile,
      Collection<String> audiences) throws ConditionEvaluationException {
    Object result;
    try {
      result = program().eval(new EventActivation(event, profile, audiences));
    } catch (CelEvaluationException e) {
      throw new ConditionEvaluationException(source, e.getMessage(), e);
    } catch (RuntimeException e) {
      // As for conditions: an odd profile must be skipped and counted, not fail the job.
      throw new ConditionEvaluationException(source, e.toString(), e);
    }
    // CEL's int is Long, uint Guava's UnsignedLong, double Double: all Numbers.
    if (result instanceof Number number && Double.isFinite(number.doubleValue())) {
      return number.doubleValue();
    }
    throw new ConditionEvaluationException(source, "result is " + result + ", not a number",
        null);
  }

  private CelRuntime.Program program() {
    CelRuntime.Program current = program;
    if (current == null) {
      current = ScoreCompiler.compile(source).orElseThrow(() -> new IllegalStateException(
          "score `" + source + "` no longer compiles"));
      program = current;
    }
    return current;
  }
}
