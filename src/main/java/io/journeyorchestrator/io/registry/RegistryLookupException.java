package io.journeyorchestrator.io.registry;

/** A writer schema the registry did not give; the message is the dead letter's reason. */
final class RegistryLookupException extends Exception {
  /** Why; only {@code UNAVAILABLE} may pass by itself, so only it is retried. */
  enum Kind {
    /** The registry has no schema of that id (HTTP 404). */
    NOT_FOUND,
    /** No answer in time, no connection, or a server error (HTTP 5xx, 429). */
    UNAVAILABLE,
    /** The registry refused the request (HTTP 401, 403 or another 4xx): a setup problem. */
    REFUSED,
    /** An answer that holds no Avro schema. */
    BAD_ANSWER
  }

  private final Kind kind;

  RegistryLookupException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
