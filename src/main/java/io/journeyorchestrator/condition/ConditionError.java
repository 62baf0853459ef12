package io.journeyorchestrator.condition;

/**
 * One reason a condition does not compile, at a place in its text when CEL gives one.
 *
 * @param line 1-based line within the condition's text, 0 when the error has no place
 * @param column 1-based column within that line (in characters), 0 when the error has no place
 * @param message what is wrong, in plain words, with a hint when the slip is a common one
 */
public record ConditionError(int line, int column, String message) {

  static ConditionError unplaced(String message) {
    return new ConditionError(0, 0, message);
  }

  public boolean isPlaced() {
    return line > 0;
  }

  @Override
  public String toString() {
    return isPlaced() ? "line " + line + ", column " + column + ": " + message : message;
  }
}
