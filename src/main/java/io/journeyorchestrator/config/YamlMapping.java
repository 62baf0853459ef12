package io.journeyorchestrator.config;

import io.journeyorchestrator.naming.ClosestName;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  private YamlMapping(
      String file, MappingNode node, int anchorLine, String what, List<ConfigProblem> problems) {
    this.file = file;
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
            new ConfigProblem(displayName, 1, "file is larger than 1 MiB; split it up"));
        return Optional.empty();
      }
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(true); // duplicates are reported with their line below
      options.setMaxAliasesForCollections(20);
      options.setAllowRecursiveKeys(false);
      Node root;
      try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        root = new Yaml(options).compose(reader);
      }
      if (root == null) {
        problems.add(new ConfigProblem(displayName, 1, "file is empty; it must describe " + what));
        return Optional.empty();
      }
      if (!(root instanceof MappingNode mapping)) {
        problems.add(
            new ConfigProblem(
                displayName, line(root), "the file must be a mapping of keys to values (" + what + ")"));
        return Optional.empty();
      }
      return Optional.of(new YamlMapping(displayName, mapping, line(mapping), what, problems));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? 1 : mark.getLine() + 1;
      problems.add(
          new ConfigProblem(
              displayName,
              line,
              "YAML syntax error: " + e.getProblem() + "; check indentation, colons and quotes"));
      return Optional.empty();
    } catch (YAMLException e) {
      problems.add(new ConfigProblem(displayName, 1, "YAML syntax error: " + e.getMessage()));
      return Optional.empty();
    } catch (IOException e) {
      problems.add(new ConfigProblem(displayName, 1, "cannot read file: " + e.getMessage()));
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

  Optional<Boolean> bool(String key) {
    return value(key, false, "true")
        .flatMap(
            v -> {
              if (v instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
                return Optional.of(Boolean.parseBoolean(scalar.getValue().toLowerCase()));
              }
              report(v, "'" + key + "' must be true or false");
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
                return Optional.of(new YamlMapping(file, m, keyLine, childWhat, problems));
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
        result.add(new YamlMapping(file, m, line(m), childWhat, problems));
      } else {
        report(item, "each entry of '" + key + "' must be a mapping (" + childWhat + "), not "
            + describe(item));
      }
    }
    if (sequence.getValue().isEmpty()) {
      report(v.get(), "'" + key + "' must have at least one entry");
    }
    return result;
  }

  /** A list of words, written either as [a, b] or as a block list; a single word is accepted. */
  List<Located<String>> stringList(String key, boolean required, String example) {
    List<Located<String>> result = new ArrayList<>();
    Optional<Node> v = value(key, required, example);
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
    if (required && sequence.getValue().isEmpty()) {
      report(v.get(), "'" + key + "' must name at least one entry, for example " + example);
    }
    return result;
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

  /** A value with the line it came from, for cross-file checks reported later. */
  record Located<T>(T value, int line) {}
}
