package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.pattern.condition.ConditionCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The analyst's guide (jobs/README.md) shows only conditions that compile, and the demo validates. */
class AnalystGuideTest {

  @Test
  void shouldShowOnlyConditionsThatCompile() throws Exception {
    String guide = Files.readString(Path.of("jobs/README.md"));
    String afterExamples = guide.substring(guide.indexOf("Examples:"));
    int start = afterExamples.indexOf("```\n") + 4;
    List<String> conditions = afterExamples.substring(start, afterExamples.indexOf("```", start))
        .lines().filter(line -> !line.isBlank()).toList();

    assertThat(conditions).hasSizeGreaterThan(4).allSatisfy(condition ->
        assertThat(ConditionCompiler.compile(condition).errors()).as(condition).isEmpty());
  }

  @Test
  void shouldValidateTheDemoJob() throws Exception {
    assertThat(JobLoader.load(Path.of("jobs/telecom-demo")).summary())
        .isEqualTo("OK: 9 patterns, 4 audiences, 2 suppressions");
  }
}
