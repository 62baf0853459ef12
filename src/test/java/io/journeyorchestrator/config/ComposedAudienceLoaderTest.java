package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.journeyorchestrator.config.AudienceDefinition.Composition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Composed audiences ({@code while}), rolling ones ({@code memberFor}) and {@code audiences} in
 * conditions: what loads, and one clear message, with its line, for each mistake.
 */
class ComposedAudienceLoaderTest {
  private static final String WEB = """
      id: web-visit
      steps:
        - name: visit
          when: event.channel == "WEB"
      """;
  private static final String IVR = """
      id: ivr-call
      steps:
        - name: call
          when: event.channel == "IVR"
      """;

  @TempDir Path dir;

  private JobFolder folder() {
    return JobFolder.in(dir).pattern("web", WEB).pattern("ivr", IVR)
        .audience("recent-web", """
            id: recent-web
            enter: [web-visit]
            memberFor: 2d
            """)
        .audience("recent-ivr", """
            id: recent-ivr
            enter: [ivr-call]
            memberFor: 2d
            """);
  }

  private List<String> problems(JobFolder folder) {
    InvalidJobException e = (InvalidJobException) catchThrowable(
        () -> JobLoader.load(folder.path()));
    assertThat(e).as("the job is refused").isNotNull();
    return e.problems().stream().map(ConfigProblem::toString)
        .map(p -> p.replace(dir + "/", "")).toList();
  }

  @Test
  void shouldLoadComposedAndRollingAudiencesAndConditionsOverAudiences() throws Exception {
    JobDefinition job = JobLoader.load(folder()
        .audience("both", """
            id: tried-web-and-ivr
            while:
              all: [recent-web, recent-ivr]
              none: [priority-caller]
            memberFor: 1d
            """)
        .audience("priority", """
            id: priority-caller
            enter: [ivr-call]
            enterWhen: profile.tier == "gold" && "recent-web" in audiences
            """)
        .path());

    AudienceDefinition web = job.audiences().stream()
        .filter(a -> a.id().equals("recent-web")).findFirst().orElseThrow();
    assertThat(web.memberFor()).isEqualTo(Duration.ofDays(2));
    assertThat(web.expireAfterOptional()).contains(Duration.ofDays(2));
    AudienceDefinition both = job.audiences().stream()
        .filter(a -> a.id().equals("tried-web-and-ivr")).findFirst().orElseThrow();
    assertThat(both.composition()).isEqualTo(new Composition(List.of("recent-web", "recent-ivr"),
        List.of(), List.of("priority-caller")));
    assertThat(both.memberFor()).isEqualTo(Duration.ofDays(1));
    assertThat(both.enter()).isEmpty();
  }

  @Test
  void shouldRefuseCompositionsThatCannotWork() {
    assertThat(problems(folder()
        .audience("a", """
            id: a
            enter: [web-visit]
            cooldown: 1d
            while:
              all: [recent-web]
            """)
        .audience("b", """
            id: b
            while: {none: [recent-web]}
            """)
        .audience("c", """
            id: c
            while:
              all: [recent-web, no-such-audience]
              any: [recent-web]
            """)))
        .containsExactly(
            "audiences/a.yaml:2: 'enter' is for audiences that patterns enter; this one has"
                + " 'while', so its members are those of the audiences it names: remove 'enter',"
                + " or 'while'",
            "audiences/a.yaml:3: 'cooldown' is for audiences that patterns enter; this one has"
                + " 'while', so its members are those of the audiences it names: remove"
                + " 'cooldown', or 'while'",
            "audiences/b.yaml:2: 'while' needs 'all' or 'any': with only 'none' a customer the"
                + " job has never seen would be a member; e.g. 'while: {all: [recent-web,"
                + " recent-ivr]}'",
            "audiences/c.yaml:3: audience 'recent-web' is in 'all' and in 'any'; name it once",
            "audiences/c.yaml:3: 'while.all' names unknown audience 'no-such-audience'; known"
                + " audiences: a, b, c, recent-ivr, recent-web");
  }

  @Test
  void shouldRefuseAnAudienceComposedOfItself() {
    assertThat(problems(folder()
        .audience("a", """
            id: a
            while:
              all: [recent-web, b]
            """)
        .audience("b", """
            id: b
            while:
              any: [recent-ivr, a]
            """)
        .audience("self", """
            id: self
            while: {all: [self]}
            """)))
        .containsExactly(
            "audiences/a.yaml:2: audience 'a' is composed of itself: a → b → a; an audience"
                + " cannot depend on its own membership: remove one of these from 'while'",
            "audiences/self.yaml:2: audience 'self' is composed of itself: self → self; an"
                + " audience cannot depend on its own membership: remove one of these from"
                + " 'while'");
  }

  @Test
  void shouldRefuseMemberForWithExpireAfterAndAudiencesWhereNoMembershipIsKnown() {
    assertThat(problems(folder()
        .pattern("odd", """
            id: odd
            steps:
              - name: first
                when: '"recent-web" in audiences'
            """)
        .audience("a", """
            id: a
            enter: [web-visit]
            expireAfter: 1d
            memberFor: 2d
            enterWhen: '"recent-wbe" in audiences'
            """)))
        .containsExactly(
            "audiences/a.yaml:4: give 'memberFor' or 'expireAfter', not both: for an audience"
                + " entered by patterns they mean the same (a member until that long after the"
                + " latest entering match)",
            "audiences/a.yaml:5: 'enterWhen' names unknown audience 'recent-wbe'; known"
                + " audiences: a, recent-ivr, recent-web",
            "patterns/odd.yaml:4: condition in 'when' reads 'audiences', which only an"
                + " audience's enterWhen and an action's eligibleWhen are given (a step sees one"
                + " event, not memberships); move the test to enterWhen, or compose an audience"
                + " with 'while'");
  }
}
