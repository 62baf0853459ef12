package io.journeyorchestrator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upgrade planning: which state survives a change of the job folder and which is dropped. */
class StatePlanTest {
  private static final String CALLS = """
      id: calls
      description: %s
      steps:
        - name: calls
          when: event.type == "call.inbound"
          times: "3+"
      within: %s
      """;

  @TempDir Path dir;

  private StatePlan plan(String name, String callsDescription, String within, boolean audience)
      throws Exception {
    JobFolder folder = JobFolder.in(dir.resolve(name))
        .pattern("calls", CALLS.formatted(callsDescription, within));
    if (audience) {
      folder.audience("a", "id: callers\nenter: [calls]\n");
    }
    return StatePlan.of(JobLoader.load(folder.path()));
  }

  @Test
  void shouldKeepEverythingWhenOnlyADescriptionChanges() throws Exception {
    StatePlan.Upgrade upgrade = plan("new", "Many calls", "3h", true)
        .upgradeFrom(plan("old", "Calls", "3h", true));
    assertThat(upgrade.dropsState()).isFalse();
    assertThat(upgrade.kept()).extracting(StatePlan.Entry::display).containsExactly(
        "pattern calls: unchanged; partial matches kept",
        "audience callers: memberships, expiries and cooldowns kept");
  }

  @Test
  void shouldDropPartialMatchesOfAChangedPatternAndStateOfARemovedAudience() throws Exception {
    StatePlan.Upgrade upgrade = plan("new", "Calls", "4h", false)
        .upgradeFrom(plan("old", "Calls", "3h", true));
    assertThat(upgrade.dropsState()).isTrue();
    assertThat(upgrade.dropped()).extracting(StatePlan.Entry::display).containsExactly(
        "pattern calls: definition changed; its partial matches are dropped and it starts fresh",
        "audience callers: removed; memberships dropped, nothing is emitted for them");
    assertThat(upgrade.dropsPattern("calls")).isTrue();
    assertThat(upgrade.dropsPattern("callers")).as("an audience, not a pattern").isFalse();
  }

  @Test
  void shouldRoundTripThroughItsTextForm() throws Exception {
    StatePlan plan = plan("x", "Calls", "3h", true);
    assertThat(StatePlan.parse(plan.lines())).isEqualTo(plan);
    assertThat(plan.lines()).containsExactly("job test-job",
        "pattern calls " + plan.patterns().get("calls"), "audience callers");
  }
}
