package io.journeyorchestrator.io;

/** An input that cannot become an event; its message is the readable reason on the dead letter. */
public final class MalformedEventException extends Exception {
  /** Kinds of bad input, as counted in the {@code deadLetters} metrics. */
  public enum Reason {
    OVERSIZED,
    UNDECODABLE,
    UNKNOWN_SCHEMA,
    MISSING_FIELD,
    BAD_FIELD,
    FUTURE_TIMESTAMP;

    public String metricName() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  private final Reason reason;

  public MalformedEventException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
