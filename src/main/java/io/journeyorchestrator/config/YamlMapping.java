package io.journeyorchestrator.config;

import io.journeyorchestrator.naming.ClosestName;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A strict, line-aware view of one YAML mapping. Every accessor reports what is wrong to a shared
 * problem list instead of throwing, so one pass over a job folder finds all of its problems.
 * Reading works on SnakeYAML's node tree (not on bound objects) because only nodes keep lines.
 */
final class YamlMapping {
  private static final int MAX_FILE_BYTES = 1 << 20;

  private final String file;
  private final Node node;
  private final String what;
  private final List<ConfigProblem> problems;
  private final int anchorLine;
  /** The file's lines, to place positions inside values that span several. */
  private final List<String> source;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  private YamlMapping(String file, MappingNode node, int anchorLine, String what,
      List<ConfigProblem> problems, List<String> source) {
    this.file = file;
    this.source = source;
    this.node = node;
    this.anchorLine = anchorLine;
    this.what = what;
    this.problems = problems;
    for (NodeTuple tuple : node.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalarKey)) {
        report(keyNode, "keys of " + what + " must be plain words");
        continue;
      }
      String key = scalarKey.getValue();
      if (entries.containsKey(key)) {
        report(keyNode, "key '" + key + "' appears twice in " + what + "; keep only one");
      } else {
        entries.put(key, tuple);
      }
    }
  }

  /** Parses a file whose top level must be a mapping; on failure reports and returns empty. */
  static Optional<YamlMapping> parseFile(
      Path path, String displayName, String what, List<ConfigProblem> problems) {
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        problems.add(
            ConfigProblem.unreadable(displayName, 1, "file is larger than 1 MiB; split it up"));
        return Optional.empty();
      }
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(true); // duplicates are reported with their line below
      options.setMaxAliasesForCollections(20);
      options.setAllowRecursiveKeys(false);
      byte[] bytes = Files.readAllBytes(path);
      Optional<String> text = utf8(bytes, displayName, problems);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      Node root = new Yaml(options).compose(new StringReader(text.get()));
      if (root == null) {
        problems.add(
            ConfigProblem.unreadable(displayName, 1, "file is empty; it must describe " + what));
        return Optional.empty();
      }
      if (!(root instanceof MappingNode mapping)) {
        problems.add(
            ConfigProblem.unreadable(displayName, line(root),
                "the file must be a mapping of keys to values (" + what + ")"));
        return Optional.empty();
      }
      return Optional.of(new YamlMapping(displayName, mapping, line(mapping), what, problems,
          text.get().lines().toList()));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? 1 : mark.getLine() + 1;
      problems.add(
          ConfigProblem.unreadable(
              displayName,
              line,
              "YAML syntax error: " + e.getProblem() + "; check indentation, colons and quotes"));
      return Optional.empty();
    } catch (YAMLException e) {
      problems.add(
          ConfigProblem.unreadable(displayName, 1, "YAML syntax error: " + e.getMessage()));
      return Optional.empty();
    } catch (IOException e) {
      problems.add(
          ConfigProblem.unreadable(displayName, 1, "cannot read file: " + e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * The text of a file, or empty after reporting the line of its first byte that is not UTF-8: a
   * lenient decoder would turn it into a replacement character deep inside an id or condition.
   */
  private static Optional<String> utf8(
      byte[] bytes, String displayName, List<ConfigProblem> problems) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never decodes into more chars than it has bytes.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int bad = in.position();
      int line = 1;
      for (int i = 0; i < bad; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      problems.add(ConfigProblem.unreadable(displayName, line, String.format(
          "the file is not UTF-8: byte 0x%02X on this line is not valid UTF-8; save the file as"
              + " UTF-8", bytes[bad] & 0xff)));
      return Optional.empty();
    }
    String text = out.flip().toString();
    return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
  }

  /**
   * The value of a top-level {@code key: value} line of a file that may not parse, e.g. the id of
   * a file with a syntax error further down; quotes and a trailing comment are dropped.
   */
  static Optional<String> topLevelValue(Path path, String key) {
    Pattern line = Pattern.compile(
        "^" + Pattern.quote(key) + ":\\s*(['\"]?)([^'\"#\\s]+)\\1\\s*(#.*)?$");
    try {
      return new String(Files.readAllBytes(path), StandardCharsets.UTF_8).lines()
          .map(line::matcher)
          .filter(Matcher::matches)
          .map(m -> m.group(2))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  String file() {
    return file;
  }

  /** Where problems of the mapping as a whole are reported: its key's line, or its first line. */
  int line() {
    return anchorLine;
  }

  /** Line of the key's value, or of this mapping when the key is absent. */
  int lineOf(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? line() : line(tuple.getValueNode());
  }

  boolean has(String key) {
    return entries.containsKey(key);
  }

  /** The keys, in file order; for mappings whose keys are names (event types, attributes). */
  List<String> keys() {
    return List.copyOf(entries.keySet());
  }

  /** Whether the key's value is a mapping, so it can be read with {@link #mapping}. */
  boolean holdsMapping(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple != null && tuple.getValueNode() instanceof MappingNode;
  }

  /** Whether the key is present with nothing after its colon. */
  boolean holdsNothing(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple != null && tuple.getValueNode() instanceof ScalarNode scalar
        && scalar.getTag().equals(Tag.NULL);
  }

  void report(int line, String message) {
    problems.add(new ConfigProblem(file, line, message));
  }

  private void report(Node at, String message) {
    report(line(at), message);
  }

  /** Reports every key outside {@code allowed}, suggesting the closest valid one. */
  void allowOnly(List<String> allowed) {
    for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
      String key = entry.getKey();
      if (allowed.contains(key)) {
        continue;
      }
      String suggestion = ClosestName.among(key, allowed).orElse(null);
      report(
          entry.getValue().getKeyNode(),
          "unknown key '"
              + key
              + "' in "
              + what
              + (suggestion == null ? "." : "; did you mean '" + suggestion + "'?")
              + " Valid keys: "
              + String.join(", ", allowed));
    }
  }

  private Optional<Node> value(String key, boolean required, String example) {
    NodeTuple tuple = entries.get(key);
    if (tuple == null) {
      if (required) {
        report(anchorLine, "missing required key '" + key + "' in " + what + "; add it, for example '"
            + key + ": " + example + "'");
      }
      return Optional.empty();
    }
    return Optional.of(tuple.getValueNode());
  }

  private Optional<String> scalarText(Node value, String key) {
    if (value instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
      return Optional.of(scalar.getValue());
    }
    report(value, "'" + key + "' must be a single value, not " + describe(value));
    return Optional.empty();
  }

  Optional<String> string(String key, boolean required, String example) {
    return value(key, required, example).flatMap(v -> scalarText(v, key));
  }

  /** A string that must match {@code regex}; {@code rule} explains the rule to the analyst. */
  Optional<String> name(String key, boolean required, String regex, String rule, String example) {
    Optional<String> text = string(key, required, example);
    if (text.isPresent() && !text.get().matches(regex)) {
      report(lineOf(key), "'" + key + "' is '" + text.get() + "': " + rule);
      return Optional.empty();
    }
    return text;
  }

  /**
   * true or false. YAML 1.1 (SnakeYAML) also reads yes, no, on and off as booleans while YAML 1.2
   * tools read them as words, so they are rejected rather than guessed at; so is a quoted "true",
   * which YAML reads as text.
   */
  Optional<Boolean> bool(String key) {
    return value(key, false, "true")
        .flatMap(
            v -> {
              if (!(v instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
                report(v, "'" + key + "' must be true or false, not " + describe(v));
                return Optional.empty();
              }
              String text = scalar.getValue();
              boolean plain = scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
              if (plain && List.of("true", "True", "TRUE").contains(text)) {
                return Optional.of(true);
              }
              if (plain && List.of("false", "False", "FALSE").contains(text)) {
                return Optional.of(false);
              }
              report(v, plain
                  ? "'" + key + "' is '" + text + "': write true or false"
                  : "'" + key + "' is \"" + text + "\" in quotes: write true or false without"
                      + " quotes");
              return Optional.empty();
            });
  }

  Optional<Duration> duration(String key, boolean required, String example) {
    return string(key, required, example)
        .flatMap(
            text -> {
              Optional<Duration> parsed = Durations.parse(text);
              if (parsed.isEmpty()) {
                report(lineOf(key), "bad duration '" + text + "' for '" + key + "': "
                    + Durations.SYNTAX_HINT);
              } else if (parsed.get().isZero()) {
                report(lineOf(key), "'" + key + "' must be longer than 0; "
                    + Durations.SYNTAX_HINT);
                return Optional.empty();
              }
              return parsed;
            });
  }

  /** A whole number from {@code min} to {@code max}; the default when absent or wrong. */
  int integer(String key, int min, int max, int defaultValue) {
    Optional<String> text = string(key, false, Integer.toString(defaultValue));
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text.get());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, like a number out of range
    }
    report(lineOf(key), "'" + key + "' is '" + text.get() + "': write a whole number from "
        + min + " to " + max + ", e.g. " + defaultValue);
    return defaultValue;
  }

  /** One of a fixed set of words. */
  Optional<String> choice(String key, List<String> choices, String defaultValue) {
    Optional<String> text = string(key, false, defaultValue);
    if (text.isPresent() && !choices.contains(text.get())) {
      report(lineOf(key), "'" + key + "' is '" + text.get() + "'; use one of: "
          + String.join(", ", choices));
      return Optional.of(defaultValue);
    }
    return Optional.of(text.orElse(defaultValue));
  }

  Optional<YamlMapping> mapping(String key, boolean required, String childWhat) {
    return value(key, required, "...")
        .flatMap(
            v -> {
              if (v instanceof MappingNode m) {
                int keyLine = line(entries.get(key).getKeyNode());
                return Optional.of(
                    new YamlMapping(file, m, keyLine, childWhat, problems, source));
              }
              report(v, "'" + key + "' must be a mapping of keys to values, not " + describe(v));
              return Optional.empty();
            });
  }

  /** A list of mappings, e.g. pattern steps; empty when absent or wrong. */
  List<YamlMapping> mappingList(String key, boolean required, String childWhat) {
    List<YamlMapping> result = new ArrayList<>();
    Optional<Node> v = value(key, required, "[...]");
    if (v.isEmpty()) {
      return result;
    }
    if (!(v.get() instanceof SequenceNode sequence)) {
      report(v.get(), "'" + key + "' must be a list (lines starting with '- '), not "
          + describe(v.get()));
      return result;
    }
    for (Node item : sequence.getValue()) {
      if (item instanceof MappingNode m) {
        result.add(new YamlMapping(file, m, line(m), childWhat, problems, source));
      } else {
        report(item, "each entry of '" + key + "' must be a mapping (" + childWhat + "), not "
            + describe(item));
      }
    }
    if (sequence.getValue().isEmpty()) {
      String child = childWhat.substring(childWhat.indexOf(' ') + 1);
      report(v.get(), "'" + key + "' is empty; " + (required
          ? what + " needs at least one " + child
          : "omit the key, or list at least one " + child));
    }
    return result;
  }

  /** A list of words that must be there and name at least one entry. */
  List<Located<String>> requiredList(String key, String example) {
    return stringList(key, example, null);
  }

  /**
   * A list of words that may be left out, which means {@code whenOmitted} (e.g. "every channel").
   * Written empty it is an error: {@code []} reads as "none", but would mean the default.
   */
  List<Located<String>> optionalList(String key, String example, String whenOmitted) {
    return stringList(key, example, whenOmitted);
  }

  /** Written either as [a, b] or as a block list; a single word is accepted. */
  private List<Located<String>> stringList(String key, String example, String whenOmitted) {
    List<Located<String>> result = new ArrayList<>();
    Optional<Node> v = value(key, whenOmitted == null, example);
    if (v.isEmpty()) {
      return result;
    }
    if (v.get() instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
      result.add(new Located<>(scalar.getValue(), line(scalar)));
      return result;
    }
    if (!(v.get() instanceof SequenceNode sequence)) {
      report(v.get(), "'" + key + "' must be a list such as " + example);
      return result;
    }
    for (Node item : sequence.getValue()) {
      scalarText(item, key).ifPresent(text -> result.add(new Located<>(text, line(item))));
    }
    if (sequence.getValue().isEmpty()) {
      report(v.get(), "'" + key + "' is empty; " + (whenOmitted == null
          ? what + " needs at least one, e.g. " + example
          : "omit the key to mean " + whenOmitted + ", or list at least one, e.g. " + example));
    }
    return result;
  }

  /**
   * Where a place in the text of a key's value is in the file: the file's line, and the column
   * within the value's text on that line. A block value ({@code |} or {@code >}) starts on the
   * line after its key. A folded or plain value spread over several lines is one line of text
   * (its lines joined by spaces); its places are found back on their lines when the joined lines
   * are exactly the value, else they stay on the value's first line.
   *
   * @param line 1-based line within the value's text
   * @param column 1-based column within that line
   */
  Place placeInValue(String key, int line, int column) {
    NodeTuple tuple = entries.get(key);
    if (tuple == null || !(tuple.getValueNode() instanceof ScalarNode scalar)) {
      return new Place(lineOf(key), column);
    }
    int first = line(scalar);
    DumperOptions.ScalarStyle style = scalar.getScalarStyle();
    if (style == DumperOptions.ScalarStyle.LITERAL) {
      return new Place(first + line, column);
    }
    int contentStart = style == DumperOptions.ScalarStyle.FOLDED ? first + 1 : first;
    if (line == 1 && (style == DumperOptions.ScalarStyle.PLAIN
        || style == DumperOptions.ScalarStyle.FOLDED)) {
      Optional<Place> unfolded = unfold(scalar, contentStart, column);
      if (unfolded.isPresent()) {
        return unfolded.get();
      }
    }
    return new Place(contentStart + line - 1, column);
  }

  /** The place of a column of a folded value, found back on the file line it came from. */
  private Optional<Place> unfold(ScalarNode scalar, int contentStart, int column) {
    int lastIndex = scalar.getEndMark().getLine();
    StringBuilder joined = new StringBuilder();
    List<int[]> starts = new ArrayList<>(); // {file line, offset in the joined text}
    for (int index = contentStart - 1; index <= lastIndex && index < source.size(); index++) {
      String raw = source.get(index);
      if (index == lastIndex) {
        raw = raw.substring(0, Math.min(scalar.getEndMark().getColumn(), raw.length()));
      }
      if (index == scalar.getStartMark().getLine()
          && scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN) {
        raw = raw.substring(Math.min(scalar.getStartMark().getColumn(), raw.length()));
      }
      String content = raw.strip();
      if (content.isEmpty() && index == lastIndex) {
        break;
      }
      if (!joined.isEmpty()) {
        joined.append(' ');
      }
      starts.add(new int[] {index + 1, joined.length()});
      joined.append(content);
    }
    if (starts.isEmpty() || !joined.toString().equals(scalar.getValue().strip())) {
      return Optional.empty();
    }
    int offset = column - 1;
    int[] at = starts.get(0);
    for (int[] start : starts) {
      if (start[1] <= offset) {
        at = start;
      }
    }
    return Optional.of(new Place(at[0], offset - at[1] + 1));
  }

  /** Plain text of a scalar value, for keys whose value may be a number or a word ("times"). */
  Optional<Located<String>> rawScalar(String key) {
    return value(key, false, "")
        .flatMap(v -> scalarText(v, key).map(text -> new Located<>(text, line(v))));
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) return "a mapping";
    if (node instanceof SequenceNode) return "a list";
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) return "an empty value";
    return "'" + ((ScalarNode) node).getValue() + "'";
  }

  /** A line of the file and a column within a value's text on that line (both 1-based). */
  record Place(int line, int column) {}

  /** A value with the line it came from, for cross-file checks reported later. */
  record Located<T>(T value, int line) {}
}
