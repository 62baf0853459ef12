package io.journeyorchestrator.io;

/** An input that cannot become an event; its message is the readable reason on the dead letter. */
public final class MalformedEventException extends Exception {
  /** Kinds of bad input, as counted in the {@code deadLetters} metrics. */
  public enum Reason {
    OVERSIZED,
    UNDECODABLE,
    UNKNOWN_SCHEMA,
    /** A writer schema from the registry that Avro cannot resolve to the job's event. */
    INCOMPATIBLE_SCHEMA,
    /** The schema registry gave no answer, or refused: the record may decode later. */
    REGISTRY_UNAVAILABLE,
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
