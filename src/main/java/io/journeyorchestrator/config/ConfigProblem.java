package io.journeyorchestrator.config;

/**
 * One thing wrong with a job folder, located at a file and line so an analyst can go straight to
 * it. Printed as {@code <file>:<line>: <what is wrong and how to fix it>}.
 */
public record ConfigProblem(String file, int line, String message)
    implements Comparable<ConfigProblem> {

  @Override
  public int compareTo(ConfigProblem other) {
    int byFile = file.compareTo(other.file);
    return byFile != 0 ? byFile : Integer.compare(line, other.line);
  }

  @Override
  public String toString() {
    return file + ":" + line + ": " + message;
  }
}
