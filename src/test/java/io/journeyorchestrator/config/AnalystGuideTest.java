package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.journeyorchestrator.condition.ConditionCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyst's guide (jobs/README.md) shows only conditions that compile, an events.yaml that
 * loads with the messages it documents, and the demo validates.
 */
class AnalystGuideTest {
  /** The conditions behind the guide's example messages, in its order; the last is an enterWhen. */
  private static final List<String> MISFITS = List.of(
      "event.type == \"call.inbund\"",
      "event.type == \"payment.failed\" && event.attributes.amout > 10",
      "event.channel == \"WEBSITE\"",
      "event.type == \"payment.failed\" && event.attributes.amount > \"100\"",
      "profile.tenureMonths >= \"60\"");

  @TempDir Path dir;

  private static String guide() throws Exception {
    return Files.readString(Path.of("jobs/README.md"));
  }

  /** The first fenced block after {@code heading}, starting with {@code fence}. */
  private static String block(String guide, String heading, String fence) {
    String after = guide.substring(guide.indexOf(heading));
    int start = after.indexOf(fence + "\n") + fence.length() + 1;
    return after.substring(start, after.indexOf("```", start));
  }

  @Test
  void shouldShowOnlyConditionsThatCompile() throws Exception {
    List<String> conditions = block(guide(), "Examples:", "```")
        .lines().filter(line -> !line.isBlank()).toList();

    assertThat(conditions).hasSizeGreaterThan(4).allSatisfy(condition ->
        assertThat(ConditionCompiler.compile(condition).errors()).as(condition).isEmpty());
  }

  @Test
  void shouldShowACatalogThatLoadsAndTheMessagesValidatePrintsForIt() throws Exception {
    String guide = guide();
    String catalog = block(guide, "## Event catalog", "```yaml");
    List<String> documented = block(guide, "What validate says", "```").lines().toList();
    JobFolder folder = JobFolder.in(dir).events(catalog);
    for (int i = 0; i < MISFITS.size() - 1; i++) {
      folder.pattern("p" + i, "id: p" + i + "\nsteps:\n  - name: s\n    when: '"
          + MISFITS.get(i) + "'\n");
    }
    folder.audience("a", "id: a\nenter: [p0]\nenterWhen: '" + MISFITS.get(MISFITS.size() - 1)
        + "'\n");

    InvalidJobException e = catchThrowableOfType(InvalidJobException.class,
        () -> JobLoader.load(folder.path()));

    assertThat(e).isNotNull();
    assertThat(e.problems()).extracting(ConfigProblem::message)
        .containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void shouldValidateTheDemoJob() throws Exception {
    assertThat(JobLoader.load(Path.of("jobs/telecom-demo")).summary())
        .isEqualTo("OK: 11 patterns, 8 audiences, 2 suppressions, 4 actions");
  }
}
