package io.journeyorchestrator.io;

/** An input that cannot become an event; its message is the readable reason on the dead letter. */
public final class MalformedEventException extends Exception {
  public MalformedEventException(String reason) {
    super(reason);
  }
}
