package io.journeyorchestrator.condition;

import dev.cel.common.CelIssue;
import dev.cel.common.CelSourceLocation;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Says in plain words what CEL's parser found wrong, with the fix for the slips analysts make
 * most: {@code =} for {@code ==}, {@code and}/{@code or}/{@code not} for {@code &&}/{@code ||}/
 * {@code !}, an operator left dangling at the end, unbalanced parentheses and unclosed strings.
 * The hints are chosen from the condition's own text at the error's place, not from the wording
 * of the parser's message, which only tells what kind of error it is.
 *
 * <p>Places are 1-based line and column within the condition's text, counted in characters as
 * CEL counts them; a place after the condition's last character (CEL's end of input, possibly on
 * a trailing empty line of a YAML block) moves back to just after that character.
 */
final class SyntaxErrorHints {
  private static final Map<String, String> WORD_OPERATORS = Map.of(
      "and", "'and' is not a CEL operator; write '&&' (both must be true)",
      "or", "'or' is not a CEL operator; write '||' (either may be true)",
      "not", "'not' is not a CEL operator; write '!' before what it negates,"
          + " e.g. !(event.type == \"a\")");
  /** Longest first, so that "&&" is found before "&". */
  private static final List<String> OPERATORS = List.of("&&", "||", "==", "!=", "<=", ">=", "<",
      ">", "+", "-", "*", "/", "%", "!", "?", ":", ".", ",", "(", "[", "{");

  /** How ANTLR, CEL's parser, names the end of the input in its messages. */
  private static final String END = "'<EOF>'";

  private SyntaxErrorHints() {}

  /** A parse error of {@code expression}, in plain words. */
  static ConditionError explain(CelIssue issue, String expression) {
    Text text = new Text(expression);
    int at = text.offsetOf(issue.getSourceLocation());
    String cel = issue.getMessage();
    String message;
    if (cel.startsWith("token recognition error")) {
      message = unknownCharacter(text, at);
    } else if (cel.contains(END) || at >= text.end()) {
      at = text.end();
      message = endsEarly(text);
    } else {
      message = unexpected(text, at);
    }
    return text.place(at, message);
  }

  /** A type-check error, with the word-operator hint when CEL took 'not' for a function. */
  static ConditionError explainCheck(CelSourceLocation location, String expression,
      String message) {
    if (location.getLine() < 1) {
      return ConditionError.unplaced(message);
    }
    Text text = new Text(expression);
    int at = text.offsetOf(location);
    String hint = WORD_OPERATORS.get(text.wordAt(at).toLowerCase(Locale.ROOT));
    if (hint == null) {
      // CEL places a call at its '(': "not(x)" is a call of an unknown function 'not'.
      hint = WORD_OPERATORS.get(text.wordBefore(at).toLowerCase(Locale.ROOT));
    }
    return text.place(at, hint == null ? message : message + "; " + hint);
  }

  /** The error at a place CEL gives, with the message as it is. */
  static ConditionError placed(CelSourceLocation location, String expression, String message) {
    if (location.getLine() < 1) {
      return ConditionError.unplaced(message);
    }
    Text text = new Text(expression);
    return text.place(text.offsetOf(location), message);
  }

  private static String unknownCharacter(Text text, int at) {
    int c = text.at(at);
    if (c == '=') {
      return text.at(at - 1) == '=' && text.at(at - 2) == '='
          ? "'===' is not a CEL operator; to compare, write '=='"
          : "a single '=' is not a CEL operator; to compare, write '=='";
    }
    if (c == '"' || c == '\'') {
      String quote = Character.toString(c);
      return "the text in quotes that starts here is not closed; end it with " + quote;
    }
    return "'" + Character.toString(c) + "' is not allowed in CEL here";
  }

  private static String endsEarly(Text text) {
    int unclosed = text.unclosedBracket();
    if (unclosed != -1) {
      String close = unclosed == '(' ? ")" : "]";
      return "a '" + Character.toString(unclosed) + "' is not closed; add the missing '" + close
          + "'";
    }
    String last = text.lastToken();
    String hint = WORD_OPERATORS.get(last.toLowerCase(Locale.ROOT));
    if (hint != null) {
      return hint;
    }
    if (OPERATORS.contains(last) || last.equals("in")) {
      return "the condition ends with '" + last + "', which needs something after it;"
          + " complete it or remove the '" + last + "'";
    }
    return "the condition ends too early; something is missing at its end";
  }

  private static String unexpected(Text text, int at) {
    String word = text.wordAt(at);
    String hint = WORD_OPERATORS.get(word.toLowerCase(Locale.ROOT));
    if (hint == null) {
      hint = WORD_OPERATORS.get(text.wordBefore(at).toLowerCase(Locale.ROOT));
    }
    if (hint != null) {
      return hint;
    }
    int c = text.at(at);
    if (c == ')' || c == ']') {
      String open = c == ')' ? "(" : "[";
      return "this '" + Character.toString(c) + "' has no matching '" + open + "'; remove it or"
          + " add the '" + open + "'";
    }
    return "'" + text.tokenAt(at) + "' is not expected here; check what comes just before it";
  }

  /** The condition's text as CEL counts it: code points, lines split at '\n'. */
  private static final class Text {
    private final int[] chars;

    Text(String expression) {
      this.chars = expression.codePoints().toArray();
    }

    int at(int offset) {
      return offset >= 0 && offset < chars.length ? chars[offset] : -1;
    }

    /** Just after the last character that is not white space. */
    int end() {
      int end = chars.length;
      while (end > 0 && Character.isWhitespace(chars[end - 1])) {
        end--;
      }
      return end;
    }

    int offsetOf(CelSourceLocation location) {
      if (location.getLine() < 1) {
        return end();
      }
      int offset = 0;
      for (int line = 1; line < location.getLine() && offset < chars.length; offset++) {
        if (chars[offset] == '\n') {
          line++;
        }
      }
      return Math.min(offset + Math.max(location.getColumn(), 0), chars.length);
    }

    ConditionError place(int offset, String message) {
      int clamped = Math.min(offset, end());
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < clamped; i++) {
        if (chars[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      return new ConditionError(line, clamped - lineStart + 1, message);
    }

    String wordAt(int offset) {
      if (offset < 0 || offset >= chars.length) {
        return "";
      }
      int end = offset;
      while (end < chars.length && isWordChar(chars[end])) {
        end++;
      }
      return new String(chars, offset, end - offset);
    }

    String wordBefore(int offset) {
      int end = Math.min(offset, chars.length);
      while (end > 0 && Character.isWhitespace(chars[end - 1])) {
        end--;
      }
      int start = end;
      while (start > 0 && isWordChar(chars[start - 1])) {
        start--;
      }
      return new String(chars, start, end - start);
    }

    /** The word, quoted text or operator that starts at the offset. */
    String tokenAt(int offset) {
      String word = wordAt(offset);
      if (!word.isEmpty()) {
        return word;
      }
      int c = at(offset);
      if (c == '"' || c == '\'') {
        int end = offset + 1;
        while (end < chars.length && chars[end] != c) {
          end++;
        }
        return new String(chars, offset, Math.min(end + 1, chars.length) - offset);
      }
      String rest = new String(chars, offset, chars.length - offset);
      return OPERATORS.stream().filter(rest::startsWith).findFirst()
          .orElse(Character.toString(c));
    }

    /** The last word or operator of the condition. */
    String lastToken() {
      int end = end();
      String word = wordBefore(end);
      if (!word.isEmpty()) {
        return word;
      }
      String tail = new String(chars, 0, end);
      return OPERATORS.stream().filter(tail::endsWith).findFirst()
          .orElse(end == 0 ? "" : Character.toString(chars[end - 1]));
    }

    /** The innermost '(' or '[' left open at the end, outside quotes; -1 when all are closed. */
    int unclosedBracket() {
      StringBuilder open = new StringBuilder();
      int quote = -1;
      for (int i = 0; i < chars.length; i++) {
        int c = chars[i];
        if (quote != -1) {
          if (c == '\\') {
            i++;
          } else if (c == quote) {
            quote = -1;
          }
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '(' || c == '[') {
          open.append((char) c);
        } else if ((c == ')' || c == ']') && !open.isEmpty()) {
          open.setLength(open.length() - 1);
        }
      }
      return open.isEmpty() ? -1 : open.charAt(open.length() - 1);
    }

    private static boolean isWordChar(int c) {
      return Character.isLetterOrDigit(c) || c == '_';
    }
  }
}
