package io.journeyorchestrator.config;

import java.util.List;
import java.util.stream.Collectors;

/** A job folder that must not run, with every problem found in it (not only the first). */
public final class InvalidJobException extends Exception {
  private final List<ConfigProblem> problems;

  public InvalidJobException(List<ConfigProblem> problems) {
    super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
