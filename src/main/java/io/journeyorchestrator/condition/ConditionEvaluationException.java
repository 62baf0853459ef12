package io.journeyorchestrator.condition;

/**
 * A condition could not be evaluated for one event: a missing key, a type mismatch on a dyn value,
 * a non-bool result. Checked so callers must decide what it means; the pattern runtime counts it
 * and treats the condition as false for that event.
 */
public final class ConditionEvaluationException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String conditionSource;
  private final String reason;

  ConditionEvaluationException(String conditionSource, String reason, Throwable cause) {
    super("condition `" + conditionSource + "` failed: " + reason, cause);
    this.conditionSource = conditionSource;
    this.reason = reason;
  }

  /** What went wrong, without the condition, e.g. CEL's "key 'amount' is not present in map". */
  public String reason() {
    return reason;
  }

  /** The CEL text of the condition that failed. */
  public String conditionSource() {
    return conditionSource;
  }
}
