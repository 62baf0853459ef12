package io.journeyorchestrator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import java.nio.file.Path;
import java.util.List;
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
    assertThat(plan.lines()).containsExactly("job test-job", "engine journey",
        "pattern calls " + plan.patterns().get("calls"), "audience callers");
  }

  @Test
  void shouldReadAPlanSavedBeforeEnginesCouldBeChosenAsFlinkCep() throws Exception {
    StatePlan plan = plan("x", "Calls", "3h", true);
    List<String> withoutEngine = plan.lines().stream()
        .filter(line -> !line.startsWith("engine ")).toList();
    assertThat(StatePlan.parse(withoutEngine).engine()).isEqualTo("flink-cep");
  }

  @Test
  void shouldDropEveryPatternsPartialMatchesOnceWhenTheEngineIsSwitched() throws Exception {
    StatePlan journey = plan("old", "Calls", "3h", true);
    StatePlan cep = new StatePlan(journey.jobName(), "flink-cep", journey.patterns(),
        journey.audiences(), journey.suppressions(), journey.actions());

    StatePlan.Upgrade upgrade = journey.upgradeFrom(cep);

    assertThat(upgrade.dropsPattern("calls")).isTrue();
    assertThat(upgrade.dropped()).extracting(StatePlan.Entry::display).containsExactly(
        "engine flink-cep: replaced by the journey engine; the partial matches of every pattern"
            + " are dropped once (the journey engine cannot read them) and every pattern starts"
            + " empty; profiles, audiences and suppressions are kept",
        "pattern calls: engine switched; its flink-cep partial matches are dropped");
    assertThat(upgrade.added()).extracting(StatePlan.Entry::display)
        .containsExactly("pattern calls: new; starts empty");
    assertThat(upgrade.kept()).extracting(StatePlan.Entry::display)
        .containsExactly("audience callers: memberships, expiries and cooldowns kept");
    assertThat(journey.upgradeFrom(journey).dropsState()).isFalse();
  }

  private static StatePlan withActions(StatePlan plan, String... actions) {
    return new StatePlan(plan.jobName(), plan.engine(), plan.patterns(), plan.audiences(),
        plan.suppressions(), List.of(actions));
  }

  @Test
  void shouldKeepDecisionsWhileAnyActionRemainsAndDropThemWithTheLastAction() throws Exception {
    StatePlan base = plan("x", "Calls", "3h", true);
    StatePlan two = withActions(base, "offer-email", "help-sms");

    StatePlan.Upgrade oneRemoved = withActions(base, "help-sms", "care-call").upgradeFrom(two);
    assertThat(oneRemoved.dropsState()).isFalse();
    assertThat(oneRemoved.kept()).extracting(StatePlan.Entry::display).contains(
        "action offer-email: removed; no longer decided, its counted sends still count towards"
            + " channel and category caps until their windows pass",
        "action help-sms: last answers and counted sends kept");
    assertThat(oneRemoved.added()).extracting(StatePlan.Entry::display).containsExactly(
        "action care-call: new; a customer already eligible is given it at their next change"
            + " (audience, profile, send or a cap freeing up)");

    StatePlan.Upgrade allRemoved = base.upgradeFrom(two);
    assertThat(allRemoved.dropsDecisions()).isTrue();
    assertThat(allRemoved.dropped()).extracting(StatePlan.Entry::display).containsExactly(
        "decisions next-best-action: every action is removed; each customer's last answer and"
            + " the sends counted for caps are dropped, and nothing more is written to the"
            + " decisions topic");

    StatePlan.Upgrade firstActions = two.upgradeFrom(base);
    assertThat(firstActions.dropsDecisions()).isFalse();
    assertThat(firstActions.added()).extracting(StatePlan.Entry::display).containsExactly(
        "action offer-email: new; decisions start empty",
        "action help-sms: new; decisions start empty");
    assertThat(StatePlan.parse(two.lines())).isEqualTo(two);
  }
}
