package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code validate} prints OK with counts (exit 0) or one located line per problem (exit 2). */
class ValidateCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out) {}

  private static Run validate(Path job) {
    StringWriter out = new StringWriter();
    CommandLine cli = JourneyCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    int exit = cli.execute("validate", job.toString());
    return new Run(exit, out.toString());
  }

  @Test
  void shouldPrintOkWithCountsForTheDemoJob() {
    Run run = validate(Path.of("jobs/telecom-demo"));
    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("OK: 11 patterns, 8 audiences, 2 suppressions, 4 actions\n");
  }

  @Test
  void shouldWarnThatConditionsAreNotCheckedWithoutACatalog() {
    Path job = JobFolder.in(dir)
        .pattern("p", """
            id: paid
            steps:
              - name: paid
                when: event.type == "payment.succeded"
            """)
        .path();

    Run run = validate(job);

    assertThat(run.exit()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "OK: 1 patterns, 0 audiences, 0 suppressions",
        dir + ": warning: no events.yaml catalog; conditions are not checked against any event"
            + " types or attributes (draft one with scripts/catalog.sh)");
  }

  @Test
  void shouldPrintAnActionsWarningAndStillExit0() {
    Path job = JobFolder.in(dir)
        .pattern("p", """
            id: paid
            steps:
              - name: paid
                when: event.type == "payment.succeeded"
            """)
        .audience("a", "id: paying\nenter: [paid]\n")
        .file("job.yaml", JobFolder.JOB_YAML_WITH_DECISIONS)
        .file("actions/thanks.yaml", """
            id: thanks-email
            channel: EMAIL
            category: care
            eligibleWhile: [paying]
            priority: 10
            """)
        .path();

    Run run = validate(job);

    assertThat(run.exit()).isZero();
    assertThat(run.out().lines()).startsWith(
        "OK: 1 patterns, 1 audiences, 0 suppressions, 1 actions",
        dir + "/actions/thanks.yaml:3: warning: category 'care' is in no suppression and has no"
            + " category cap, so no suppression ever holds this action back; known categories:"
            + " (none)");
  }

  @Test
  void shouldPrintEveryProblemAsFileLineMessageAndExit2() {
    Path job = JobFolder.in(dir)
        .pattern("typo", """
            id: calls
            steps:
              - name: calls
                when: event.type == "call.inbound"
                times: "2+"
            withn: 3h
            """)
        .audience("a", """
            id: trouble
            enter: [nope]
            """)
        .path();

    Run run = validate(job);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out().lines()).containsExactly(
        dir.resolve("audiences/a.yaml") + ":2: 'enter' names unknown pattern 'nope'; known"
            + " patterns: calls",
        dir.resolve("patterns/typo.yaml") + ":1: missing 'within': only a single step taken once,"
            + " or steps each with a 'within' of their own (every step after the first taken"
            + " once), may leave it out, otherwise partial matches would be kept forever; add e.g."
            + " 'within: 3h'",
        dir.resolve("patterns/typo.yaml") + ":6: unknown key 'withn' in a pattern; did you mean"
            + " 'within'? Valid keys: id, description, steps, within, afterMatch");
  }
}
