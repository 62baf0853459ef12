package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.journeyorchestrator.config.ActionDefinition.Cap;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Actions and the decisions section of job.yaml: a valid folder loads into typed definitions, and
 * each rejected file (one mistake in a valid folder) gives exactly one message naming file, line
 * and fix.
 */
class ActionMessagesTest {
  private static final String PATTERN = """
      id: payment-failed
      steps:
        - name: failed
          when: event.type == "payment.failed"
      """;
  private static final String AUDIENCE = """
      id: payment-trouble
      enter: [payment-failed]
      """;
  private static final String SUPPRESSION = """
      id: quiet
      while: [payment-trouble]
      categories: [marketing]
      """;
  private static final String ACTION = """
      id: help-email
      description: Help with a failed payment
      channel: EMAIL
      category: marketing
      eligibleWhile: [payment-trouble]
      eligibleWhen: has(profile.emailOptIn) && profile.emailOptIn
      priority: 80
      caps:
        - max: 1
          per: 30d
      """;
  private static final String DECISIONS = """
      decisions:
        sentEventType: message.delivered
        caps:
          channels:
            EMAIL: {max: 3, per: 7d}
          categories:
            marketing: {max: 2, per: 7d}
        quietHours:
          from: "21:00"
          to: "08:00"
          defaultTimeZone: Europe/Berlin
        holdout:
          percent: 10%
          salt: telecom-2026
      """;

  @TempDir Path dir;

  private static Arguments rejected(String name, String file, String text, String message) {
    return Arguments.of(name, file, text, file + ":" + message);
  }

  static Stream<Arguments> actions() {
    String file = "actions/help.yaml";
    return Stream.of(
        rejected("unknown audience", file,
            ACTION.replace("[payment-trouble]", "[payment-trubble]"),
            "5: 'eligibleWhile' names unknown audience 'payment-trubble'; known audiences:"
                + " payment-trouble"),
        rejected("unknown channel", file, ACTION.replace("channel: EMAIL", "channel: FAX"),
            "3: unknown channel 'FAX'; use one of: WEB, APP, IVR, CALL_CENTER, CHAT, EMAIL,"
                + " SMS, PUSH, STORE, PAYMENT, SURVEY, OTHER"),
        rejected("condition not bool", file,
            ACTION.replace("has(profile.emailOptIn) && profile.emailOptIn", "1 + 2"),
            "6: condition in 'eligibleWhen' is not valid CEL: condition must evaluate to bool,"
                + " but `1 + 2` has type int"),
        rejected("score not a number", file,
            ACTION.replace("priority: 80", "priority: \"'high'\""),
            "7: 'priority' is neither a number nor a valid CEL score: a score must evaluate to"
                + " a number, but `'high'` has type string; write a number, e.g. 80, or an"
                + " expression over profile that gives one, e.g. profile.churnRisk * 100"),
        rejected("cap max 0", file, ACTION.replace("max: 1", "max: 0"),
            "9: 'max' is '0': a cap allows a whole number of at least 1 sends per window, e.g."
                + " 'max: 2'; to send nothing, leave the action out"),
        rejected("holdout above 50%", file, ACTION + "holdout: 60%\n",
            "11: 'holdout' is '60%': a holdout is a share from 0% to 50% of customers, e.g."
                + " 'holdout: 10%'"),
        rejected("missing priority", file, ACTION.replace("priority: 80\n", ""),
            "1: missing required key 'priority' in an action; add it, for example 'priority:"
                + " 80'"));
  }

  static Stream<Arguments> decisions() {
    return Stream.of(
        rejected("actions without a decisions topic", "job.yaml", JobFolder.JOB_YAML,
            "4: kafka.topics has no 'decisions' topic, and the job has actions (1 under"
                + " actions/) whose decisions go there; add e.g. 'decisions: cjo.decisions'"),
        rejected("quiet hours that do not parse", "job.yaml",
            JobFolder.JOB_YAML_WITH_DECISIONS + DECISIONS.replace("\"21:00\"", "\"9pm\""),
            "24: 'from' is '9pm': write a time of day as HH:MM in quotes, e.g. \"21:00\""),
        rejected("unknown time zone", "job.yaml",
            JobFolder.JOB_YAML_WITH_DECISIONS + DECISIONS.replace("Europe/Berlin", "Europe/Berlim"),
            "26: 'defaultTimeZone' is 'Europe/Berlim': not a time zone; write a region id, e.g."
                + " Europe/Berlin or America/New_York"),
        rejected("global holdout above 50%", "job.yaml",
            JobFolder.JOB_YAML_WITH_DECISIONS + DECISIONS.replace("percent: 10%", "percent: 51"),
            "28: 'percent' is '51': a holdout is a share from 0% to 50% of customers, e.g."
                + " 'percent: 10%'"),
        rejected("channel cap on an unknown channel", "job.yaml",
            JobFolder.JOB_YAML_WITH_DECISIONS + DECISIONS.replace("EMAIL: {", "EMAL: {"),
            "20: unknown channel 'EMAL' in decisions.caps.channels; use one of: WEB, APP, IVR,"
                + " CALL_CENTER, CHAT, EMAIL, SMS, PUSH, STORE, PAYMENT, SURVEY, OTHER"),
        rejected("category cap max 0", "job.yaml",
            JobFolder.JOB_YAML_WITH_DECISIONS + DECISIONS.replace("marketing: {max: 2", "marketing: {max: 0"),
            "22: 'max' is '0': a cap allows a whole number of at least 1 sends per window, e.g."
                + " 'max: 2'; to send nothing, leave the action out"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"actions", "decisions"})
  void shouldRejectTheFolderWithExactlyThisMessage(String name, String file, String text,
      String expected) {
    Path job = folder().file(file, text).path();
    InvalidJobException e =
        catchThrowableOfType(InvalidJobException.class, () -> JobLoader.load(job));
    assertThat(e).as("the job loads, but should not").isNotNull();
    assertThat(e.problems()).map(ConfigProblem::toString).containsExactly(dir + "/" + expected);
  }

  @Test
  void shouldLoadActionsAndDecisionSettingsIntoTypedDefinitions() throws Exception {
    Path job = folder()
        .file("job.yaml", JobFolder.JOB_YAML_WITH_DECISIONS + DECISIONS)
        .file("actions/score.yaml", """
            id: care-call-back
            channel: CALL_CENTER
            category: care
            eligibleWhile: [payment-trouble]
            priority: profile.churnRisk * 100
            holdout: 5
            """)
        .path();
    JobDefinition loaded = JobLoader.load(job);

    assertThat(loaded.actions()).extracting(ActionDefinition::id)
        .containsExactly("help-email", "care-call-back");
    ActionDefinition email = loaded.actions().get(0);
    assertThat(email.priority()).isEqualTo(80.0);
    assertThat(email.priorityScore()).isNull();
    assertThat(email.caps()).containsExactly(new Cap(1, Duration.ofDays(30)));
    ActionDefinition call = loaded.actions().get(1);
    assertThat(call.priority()).isNull();
    assertThat(call.priorityScore()).isEqualTo("profile.churnRisk * 100");
    assertThat(call.holdoutPercent()).isEqualTo(5.0);

    DecisionSettings decisions = loaded.decisions();
    assertThat(decisions.sentEventType()).isEqualTo("message.delivered");
    assertThat(decisions.channelCaps()).containsEntry("EMAIL", new Cap(3, Duration.ofDays(7)));
    assertThat(decisions.categoryCaps())
        .containsEntry("marketing", new Cap(2, Duration.ofDays(7)));
    assertThat(decisions.quietHours()).isEqualTo(new DecisionSettings.QuietHours(
        LocalTime.of(21, 0), LocalTime.of(8, 0), ZoneId.of("Europe/Berlin")));
    assertThat(decisions.holdoutPercent()).isEqualTo(10.0);
    assertThat(decisions.holdoutSalt()).isEqualTo("telecom-2026");
    assertThat(loaded.warnings()).map(ConfigProblem::toString).containsExactly(dir
        + "/actions/score.yaml:3: warning: category 'care' is in no suppression and has no"
        + " category cap, so no suppression ever holds this action back; known categories:"
        + " marketing");
  }

  @Test
  void shouldUseTheDefaultsWithoutADecisionsSection() throws Exception {
    assertThat(JobLoader.load(folder().path()).decisions()).isEqualTo(DecisionSettings.DEFAULTS);
  }

  private JobFolder folder() {
    return JobFolder.in(dir)
        .file("job.yaml", JobFolder.JOB_YAML_WITH_DECISIONS)
        .pattern("failed", PATTERN)
        .audience("a", AUDIENCE)
        .suppression("s", SUPPRESSION)
        .file("actions/help.yaml", ACTION);
  }

}
