package io.journeyorchestrator.engine;

/**
 * Where a {@link JourneyMatcher} sends what one call decided: matches in the order Flink CEP
 * would emit them, and how many partial matches ended without matching.
 */
@FunctionalInterface
public interface MatchOutput {
  void match(Match match);

  /** Partial matches that reached {@code within} without completing (CEP drops them silently). */
  default void timedOut(int count) {}

  /** Oldest partial matches dropped because the customer exceeded the matcher's cap. */
  default void dropped(int count) {}
}
