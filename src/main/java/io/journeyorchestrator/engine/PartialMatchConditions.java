package io.journeyorchestrator.engine;

/**
 * Judges the steps whose condition reads earlier steps' events ({@code steps.<name>}) for one
 * partial match and the event being processed: such a condition can hold for one partial match
 * and not for another, as a Flink CEP iterative condition does.
 */
public interface PartialMatchConditions {
  /**
   * @param step the step whose condition to judge
   * @param taken the events the partial match took so far, in order
   */
  boolean holds(int step, Taken[] taken);
}
