package io.journeyorchestrator.job;

/** Entry point of the job jar. */
public final class JourneyOrchestratorJob {
  public static void main(String[] args) {
    throw new UnsupportedOperationException("not yet wired");
  }
}
