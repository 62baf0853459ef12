package io.journeyorchestrator.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.matching.CompiledPattern;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event types the timeline reads the profile for. */
class ProfileReadsTest {
  @TempDir Path dir;

  private ProfileReads reads(JobFolder folder) throws Exception {
    JobDefinition job = JobLoader.load(folder.path());
    return ProfileReads.of(job.patterns().stream().map(CompiledPattern::compile).toList(),
        job.audiences());
  }

  private static final String TWO_STEPS = """
      id: browse-then-buy
      steps:
        - name: browse
          when: event.type == "page.view"
        - name: buy
          when: event.type == "order.placed"
      within: 1h
      """;

  @Test
  void shouldReadNoProfileWhenNoConditionMentionsIt() throws Exception {
    ProfileReads reads = reads(JobFolder.in(dir).pattern("p", TWO_STEPS));

    assertThat(reads.needsProfile("page.view")).isFalse();
    assertThat(reads.needsProfile("order.placed")).isFalse();
  }

  @Test
  void shouldReadTheProfileForTheTypesAStepThatMentionsItPins() throws Exception {
    ProfileReads reads = reads(JobFolder.in(dir).pattern("p", """
        id: gold-browse
        steps:
          - name: browse
            when: event.type == "page.view" && profile.tier == "gold"
        """));

    assertThat(reads.needsProfile("page.view")).isTrue();
    assertThat(reads.needsProfile("order.placed")).isFalse();
  }

  @Test
  void shouldReadTheProfileForEveryTypeWhenSuchAStepPinsNone() throws Exception {
    ProfileReads reads = reads(JobFolder.in(dir).pattern("p", """
        id: gold-anything
        steps:
          - name: any
            when: profile.tier == "gold"
        """));

    assertThat(reads.needsProfile("whatever")).isTrue();
  }

  @Test
  void shouldReadTheProfileForTheLastPresentStepOfPatternsEnteringAnAudienceWhoseEnterWhenMentionsIt()
      throws Exception {
    ProfileReads reads = reads(JobFolder.in(dir).pattern("p", TWO_STEPS).audience("a", """
        id: gold-buyers
        enter: [browse-then-buy]
        enterWhen: profile.tier == "gold"
        """));

    assertThat(reads.needsProfile("order.placed")).isTrue();
    assertThat(reads.needsProfile("page.view")).isFalse();
  }
}
