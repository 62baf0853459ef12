package io.journeyorchestrator.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.PatternDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the benchmark's generated pattern sets are valid job folders with varied conditions. */
class PatternVariationsTest {
  private static final Path DEMO = Path.of("jobs/telecom-demo");

  @TempDir
  Path work;

  @Test
  void shouldWriteAHundredValidPatternsKeepingTheDemoOnes() throws Exception {
    JobDefinition demo = JobLoader.load(DEMO);

    JobDefinition job = PatternVariations.write(DEMO, 100, work.resolve("patterns-100"));

    List<PatternDefinition> patterns = job.patterns();
    assertThat(patterns).hasSize(100);
    assertThat(patterns.stream().map(PatternDefinition::id).distinct()).hasSize(100);
    assertThat(patterns.stream().map(PatternDefinition::id))
        .containsAll(demo.patterns().stream().map(PatternDefinition::id).toList());
    assertThat(job.audiences()).hasSameSizeAs(demo.audiences());
    Set<String> conditions = patterns.stream().flatMap(p -> p.steps().stream())
        .map(s -> s.when()).collect(Collectors.toSet());
    assertThat(conditions.size()).as("distinct step conditions").isGreaterThan(50);
    assertThat(patterns).anyMatch(p -> p.afterMatch() == PatternDefinition.AfterMatch.NO_SKIP);
  }

  @Test
  void shouldWriteTheSameFilesForTheSameCount() throws Exception {
    PatternVariations.write(DEMO, 10, work.resolve("a"));
    PatternVariations.write(DEMO, 10, work.resolve("b"));

    for (Path file : Files.list(work.resolve("a/patterns")).toList()) {
      assertThat(work.resolve("b/patterns").resolve(file.getFileName())).hasSameTextualContentAs(file);
    }
    assertThat(Files.list(work.resolve("a/patterns")).count()).isEqualTo(10);
  }

  @Test
  void shouldDropTheAudiencesOfPatternsLeftOutAndThoseComposedOfThem() throws Exception {
    JobDefinition demo = JobLoader.load(DEMO);
    PatternDefinition last = demo.patterns().get(demo.patterns().size() - 1);

    JobDefinition job = PatternVariations.write(DEMO, demo.patterns().size() - 1,
        work.resolve("fewer"));

    List<String> left = job.audiences().stream().map(a -> a.id()).toList();
    List<String> gone = demo.audiences().stream().map(a -> a.id())
        .filter(id -> !left.contains(id)).toList();
    assertThat(gone).isNotEmpty();
    assertThat(job.audiences()).noneMatch(a -> a.enter().contains(last.id())
        || a.isComposed() && a.composition().parts().stream().anyMatch(gone::contains));
  }

  @Test
  void shouldWriteTheFeatureFormsOfTwoDemoPatterns() throws Exception {
    JobDefinition job = PatternVariations.withFeatures(DEMO, 10, work.resolve("features"));

    assertThat(job.patterns()).hasSize(10);
    assertThat(job.patterns()).anySatisfy(p -> assertThat(p.steps())
        .anyMatch(step -> step.within() != null));
    assertThat(job.patterns()).anySatisfy(p -> assertThat(p.steps())
        .anyMatch(step -> step.group() != null));
    assertThat(job.patterns()).anySatisfy(p -> assertThat(p.steps())
        .anyMatch(step -> step.when().contains("steps[")));
  }
}
