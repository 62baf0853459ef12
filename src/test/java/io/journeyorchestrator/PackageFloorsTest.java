package io.journeyorchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every import between the project's packages points down a floor: shared ground (generated
 * records, conditions, state descriptors and keys) below config, config below io and the seam of
 * the pattern engines, those below the operators, which do not import each other except that
 * both pattern engines run the customer timeline (Flink CEP after it, the journey engine fused
 * with it), and the wiring on top. A new package must be given
 * a floor here.
 */
class PackageFloorsTest {
  private static final Path SOURCES = Path.of("src/main/java/io/journeyorchestrator");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?io\\.journeyorchestrator\\.([a-z]+)\\.", Pattern.MULTILINE);

  private static final Map<String, Integer> FLOORS = Map.ofEntries(
      Map.entry("avro", 0), Map.entry("internal", 0), Map.entry("naming", 0),
      Map.entry("diagnostics", 0), Map.entry("metrics", 0),
      Map.entry("condition", 1), Map.entry("keyed", 1),
      Map.entry("config", 2),
      Map.entry("io", 3), Map.entry("matching", 3),
      Map.entry("timeline", 4), Map.entry("audience", 4), Map.entry("suppression", 4),
      Map.entry("decisions", 4),
      Map.entry("pattern", 5), Map.entry("engine", 5), Map.entry("customerstate", 5),
      Map.entry("job", 6), Map.entry("demo", 6), Map.entry("lookup", 6),
      Map.entry("cli", 7));

  @Test
  void shouldOnlyImportPackagesOnALowerFloor() throws IOException {
    List<String> upward = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String from = SOURCES.relativize(file).getName(0).toString();
        assertThat(FLOORS).as("floor of package %s (%s)", from, file).containsKey(from);
        Matcher imports = IMPORT.matcher(Files.readString(file));
        while (imports.find()) {
          String to = imports.group(1);
          if (!to.equals(from) && FLOORS.getOrDefault(to, Integer.MAX_VALUE) >= FLOORS.get(from)) {
            upward.add(from + " -> " + to + " in " + file.getFileName());
          }
        }
      }
    }
    assertThat(upward).as("imports that do not point down").isEmpty();
  }
}
