package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyorchestrator.config.StepDefinition.AnyOrder;
import io.journeyorchestrator.config.StepDefinition.Contiguity;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How an {@code anyOrder} group is read into steps, and the validator's messages about one. */
class AnyOrderLoaderTest {
  @TempDir Path dir;

  private static final String GROUP = """
      id: tried-channels
      steps:
        - name: bought
          when: event.type == "purchase"
        - name: self-service
          anyOrder:
            - name: web
              when: event.type == "web"
            - name: ivr
              when: event.type == "ivr"
            - name: app
              when: event.type == "app"
          atLeast: 2
        - name: call
          when: event.type == "call"
      within: 2d
      """;

  @Test
  void shouldReadTheMembersAsStepsOfTheGroup() throws Exception {
    PatternDefinition pattern = JobLoader.load(JobFolder.in(dir).pattern("p", GROUP).path())
        .patterns().get(0);

    assertThat(pattern.steps()).extracting(StepDefinition::name)
        .containsExactly("bought", "web", "ivr", "app", "call");
    AnyOrder group = new AnyOrder("self-service", 1, 3, 2);
    assertThat(pattern.steps()).extracting(StepDefinition::group)
        .containsExactly(null, group, group, group, null);
    assertThat(pattern.steps().get(2).contiguity()).isEqualTo(Contiguity.RELAXED);
    assertThat(pattern.steps().get(2).line()).isEqualTo(9);
  }

  @Test
  void shouldNameAGroupWithoutANameByItsMembersAndNeedAllByDefault() throws Exception {
    String unnamed = GROUP.replace("  - name: self-service\n    anyOrder:", "  - anyOrder:")
        .replace("    atLeast: 2\n", "");
    PatternDefinition pattern = JobLoader.load(JobFolder.in(dir).pattern("p", unnamed).path())
        .patterns().get(0);

    assertThat(pattern.steps().get(1).group()).isEqualTo(new AnyOrder("web|ivr|app", 1, 3, 3));
  }

  static Stream<Arguments> rejectedGroups() {
    return Stream.of(
        Arguments.of("one member", GROUP.replace("      - name: ivr\n"
                + "        when: event.type == \"ivr\"\n      - name: app\n"
                + "        when: event.type == \"app\"\n    atLeast: 2\n", ""),
            "p.yaml:5: an anyOrder group needs at least two members; a single one is an"
                + " ordinary step"),
        Arguments.of("atLeast beyond the members", GROUP.replace("atLeast: 2", "atLeast: 4"),
            "p.yaml:13: 'atLeast' is '4': write a whole number from 1 to 3"),
        Arguments.of("repeated member", GROUP.replace("when: event.type == \"ivr\"",
                "when: event.type == \"ivr\"\n        times: 2"),
            "p.yaml:11: member 'ivr' of an anyOrder group takes one event; remove 'times'"),
        Arguments.of("absent member", GROUP.replace("when: event.type == \"ivr\"",
                "when: event.type == \"ivr\"\n        absent: true"),
            "p.yaml:11: member 'ivr' of an anyOrder group cannot be absent"),
        Arguments.of("member window", GROUP.replace("when: event.type == \"ivr\"",
                "when: event.type == \"ivr\"\n        within: 1h"),
            "p.yaml:11: member 'ivr' of an anyOrder group takes no 'within' of its own"),
        Arguments.of("member contiguity", GROUP.replace("when: event.type == \"ivr\"",
                "when: event.type == \"ivr\"\n        contiguity: strict"),
            "p.yaml:11: member 'ivr' of an anyOrder group takes no 'contiguity' of its own;"
                + " set it on the group"),
        Arguments.of("duplicate member name", GROUP.replace("name: app", "name: web"),
            "p.yaml:11: duplicate step name 'web'"),
        Arguments.of("a sibling named", GROUP.replace("when: event.type == \"ivr\"",
                "when: event.channel == steps.web.channel"),
            "p.yaml:10: step 'ivr': 'steps.web' names a member of its own anyOrder group, whose"
                + " events come in any order; earlier steps that take an event: bought"),
        Arguments.of("an optional member named", GROUP.replace("when: event.type == \"call\"",
                "when: event.channel == steps.web.channel"),
            "p.yaml:15: step 'call': 'steps.web' names a member of anyOrder group"
                + " 'self-service', which needs only 2 of its 3 members, so it may take no event"),
        Arguments.of("no within", GROUP.replace("within: 2d\n", ""),
            "p.yaml:1: missing 'within'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedGroups")
  void shouldRejectABadGroup(String problem, String pattern, String expected) {
    Path folder = JobFolder.in(dir).pattern("p", pattern).path();
    assertThatThrownBy(() -> JobLoader.load(folder))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining(dir.resolve("patterns") + "/" + expected);
  }

  @Test
  void shouldLetALaterStepReadAMemberEveryMatchHas() throws Exception {
    String all = GROUP.replace("    atLeast: 2\n", "").replace("when: event.type == \"call\"",
        "when: event.channel == steps.web.channel");
    assertThat(JobLoader.load(JobFolder.in(dir).pattern("p", all).path()).patterns()).hasSize(1);
  }

  @Test
  void shouldSayThatAGroupNeedsTheDefaultEngine() {
    Path folder = JobFolder.in(dir).engine("flink-cep").pattern("p", GROUP).path();
    assertThatThrownBy(() -> JobLoader.load(folder))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining(dir.resolve("patterns") + "/p.yaml:5: anyOrder group (web, ivr,"
            + " app) runs only on the default pattern engine; remove 'engine: flink-cep' from"
            + " job.yaml, or write one pattern per order");
  }
}
