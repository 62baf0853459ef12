package io.journeyorchestrator.config;

/**
 * One thing wrong with a job folder, located at a file and line so an analyst can go straight to
 * it. Printed as {@code <file>:<line>: <what is wrong and how to fix it>}.
 *
 * <p>Problems of files that could not be read at all (not UTF-8, YAML syntax, not a mapping) sort
 * first, since they can explain problems elsewhere; the rest by file, then line.
 *
 * @param unreadable the whole file could not be read, so nothing else in it was checked
 */
public record ConfigProblem(String file, int line, String message, boolean unreadable)
    implements Comparable<ConfigProblem>, java.io.Serializable {

  public ConfigProblem(String file, int line, String message) {
    this(file, line, message, false);
  }

  static ConfigProblem unreadable(String file, int line, String message) {
    return new ConfigProblem(file, line, message, true);
  }

  @Override
  public int compareTo(ConfigProblem other) {
    if (unreadable != other.unreadable) {
      return unreadable ? -1 : 1;
    }
    int byFile = file.compareTo(other.file);
    return byFile != 0 ? byFile : Integer.compare(line, other.line);
  }

  @Override
  public String toString() {
    return file + ":" + line + ": " + message;
  }
}
