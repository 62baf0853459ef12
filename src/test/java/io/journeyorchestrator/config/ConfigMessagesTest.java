package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The messages an analyst gets for the traps of YAML and CEL: one rejected folder, the one
 * message it must produce, word for word. Every folder starts from a valid job (two patterns, an
 * audience, a suppression) and replaces one file.
 */
class ConfigMessagesTest {
  private static final String FAILED = """
      id: payment-failed
      steps:
        - name: failed
          when: event.type == "payment.failed"
      """;
  private static final String SUCCEEDED = """
      id: payment-succeeded
      steps:
        - name: paid
          when: event.type == "payment.succeeded"
      """;
  private static final String AUDIENCE = """
      id: payment-trouble
      enter: [payment-failed]
      exit: [payment-succeeded]
      """;
  private static final String SUPPRESSION = """
      id: quiet
      while: [payment-trouble]
      channels: [EMAIL]
      categories: [marketing]
      """;

  private static final String NOT_ACTIVATED = """
      id: not-activated
      steps:
        - name: bought
          when: event.type == "order.completed"
        - name: activated
          when: event.type == "device.activated"
          absent: true
      within: 7d
      """;

  @TempDir Path dir;

  /** A case: the file it replaces (relative to the job folder), its text, the one message. */
  private static Arguments rejected(String name, String file, String text, String message) {
    return Arguments.of(name, file, text, file + ":" + message);
  }

  static Stream<Arguments> emptyLists() {
    return Stream.of(
        rejected("channels: []", "suppressions/s.yaml",
            SUPPRESSION.replace("channels: [EMAIL]", "channels: []"),
            "3: 'channels' is empty; omit the key to mean every channel, or list at least one,"
                + " e.g. [EMAIL, SMS]"),
        rejected("categories: []", "suppressions/s.yaml",
            SUPPRESSION.replace("categories: [marketing]", "categories: []"),
            "4: 'categories' is empty; omit the key to mean every category, or list at least"
                + " one, e.g. [marketing]"),
        rejected("while: []", "suppressions/s.yaml",
            SUPPRESSION.replace("while: [payment-trouble]", "while: []"),
            "2: 'while' is empty; a suppression needs at least one, e.g. [payment-trouble]"),
        rejected("exit: []", "audiences/a.yaml",
            AUDIENCE.replace("exit: [payment-succeeded]", "exit: []"),
            "3: 'exit' is empty; omit the key to mean that no pattern exits the audience, or"
                + " list at least one, e.g. [payment-succeeded]"),
        rejected("enter: []", "audiences/a.yaml",
            AUDIENCE.replace("enter: [payment-failed]", "enter: []"),
            "2: 'enter' is empty; an audience needs at least one, e.g."
                + " [calls-after-failed-payment]"),
        rejected("steps: []", "patterns/failed.yaml", "id: payment-failed\nsteps: []\n",
            "2: 'steps' is empty; a pattern needs at least one step"));
  }

  static Stream<Arguments> booleans() {
    return Stream.of("yes", "on", "no", "off", "Yes", "y", "1").map(spelling ->
        rejected("absent: " + spelling, "patterns/not-activated.yaml",
            NOT_ACTIVATED.replace("absent: true", "absent: " + spelling),
            "7: 'absent' is '" + spelling + "': write true or false"));
  }

  @Test
  void shouldRejectAQuotedTrueBecauseYamlReadsItAsText() {
    assertThat(problemsWith("patterns/not-activated.yaml",
        NOT_ACTIVATED.replace("absent: true", "absent: \"true\"")))
        .containsExactly(dir + "/patterns/not-activated.yaml:7: 'absent' is \"true\" in quotes:"
            + " write true or false without quotes");
  }

  @Test
  void shouldReadTrueAndFalseInAnyCaseYamlAgreesOn() throws Exception {
    Path job = JobFolder.in(dir)
        .pattern("not-activated", NOT_ACTIVATED.replace("absent: true", "absent: TRUE"))
        .pattern("bought", FAILED.replace("payment-failed", "bought") + "    absent: False\n")
        .path();
    assertThat(JobLoader.load(job).patterns())
        .extracting(p -> p.id() + " " + p.steps().get(p.steps().size() - 1).absent())
        .containsExactlyInAnyOrder("not-activated true", "bought false");
  }

  @Test
  void shouldNameTheLineOfTheFirstByteThatIsNotUtf8() {
    byte[] latin1 = SUPPRESSION.replace("[marketing]", "[marketing, prämie]")
        .getBytes(StandardCharsets.ISO_8859_1);
    assertThat(problemsWith("suppressions/s.yaml", latin1)).containsExactly(dir
        + "/suppressions/s.yaml:4: the file is not UTF-8: byte 0xE4 on this line is not valid"
        + " UTF-8; save the file as UTF-8");
  }

  @Test
  void shouldReadAUtf8FileWithAByteOrderMark() throws Exception {
    Path job = JobFolder.in(dir).path();
    Files.createDirectories(job.resolve("patterns"));
    Files.write(job.resolve("patterns/failed.yaml"),
        ("\uFEFF" + FAILED.replace("payment.failed", "paiement.échoué"))
            .getBytes(StandardCharsets.UTF_8));
    assertThat(JobLoader.load(job).patterns().get(0).steps().get(0).when())
        .isEqualTo("event.type == \"paiement.échoué\"");
  }

  static Stream<Arguments> brokenFilesReferredTo() {
    return Stream.of(
        rejected("pattern that an audience enters on", "patterns/failed.yaml",
            FAILED.replace("    when:", "   when:"),
            "4: YAML syntax error: expected <block end>, but found '<block mapping start>';"
                + " check indentation, colons and quotes"),
        rejected("pattern that an audience exits on", "patterns/succeeded.yaml",
            "id: 'payment-succeeded'  # quoted, with a comment\nsteps: [\n",
            "3: YAML syntax error: expected the node content, but found '<stream end>'; check"
                + " indentation, colons and quotes"),
        rejected("audience that a suppression holds on", "audiences/a.yaml",
            AUDIENCE.replace("exit: [payment-succeeded]", "exit: [payment-succeeded"),
            "4: YAML syntax error: expected ',' or ']', but got <stream end>; check"
                + " indentation, colons and quotes"));
  }

  @Test
  void shouldReportAnAudienceThatIsNotUtf8OnceAndNotAgainWhereASuppressionUsesIt() {
    byte[] latin1 = (AUDIENCE + "description: Mahnung fällig\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    assertThat(problemsWith("audiences/a.yaml", latin1)).containsExactly(dir
        + "/audiences/a.yaml:4: the file is not UTF-8: byte 0xE4 on this line is not valid"
        + " UTF-8; save the file as UTF-8");
  }

  @Test
  void shouldSayWhichFileMayDefineAnIdThatCouldNotBeRecoveredAndReportThatFileFirst() {
    assertThat(problemsWith("patterns/failed.yaml", "{id: payment-failed, steps: [\n"))
        .containsExactly(
            dir + "/patterns/failed.yaml:2: YAML syntax error: expected the node content, but"
                + " found '<stream end>'; check indentation, colons and quotes",
            dir + "/audiences/a.yaml:2: 'enter' names unknown pattern 'payment-failed'; known"
                + " patterns: payment-succeeded; " + dir + "/patterns/failed.yaml may define it"
                + " but could not be read (see above)");
  }

  /** The pattern payment-failed with its condition written as {@code when}, from line 4 on. */
  private static Arguments condition(String name, String when, String message) {
    return rejected(name, "patterns/failed.yaml",
        FAILED.replace("when: event.type == \"payment.failed\"", when), message);
  }

  static Stream<Arguments> conditions() {
    return Stream.of(
        condition("= for ==", "when: event.type = \"payment.failed\"",
            "4: condition in 'when' is not valid CEL at column 12: a single '=' is not a CEL"
                + " operator; to compare, write '=='"),
        condition("and for &&", "when: event.type == \"payment.failed\" and event.channel =="
                + " \"PAYMENT\"",
            "4: condition in 'when' is not valid CEL at column 32: 'and' is not a CEL operator;"
                + " write '&&' (both must be true)"),
        condition("or for ||", "when: event.type == \"payment.failed\" or event.type == \"x\"",
            "4: condition in 'when' is not valid CEL at column 32: 'or' is not a CEL operator;"
                + " write '||' (either may be true)"),
        condition("trailing operator", "when: event.type == \"payment.failed\" &&",
            "4: condition in 'when' is not valid CEL at column 34: the condition ends with"
                + " '&&', which needs something after it; complete it or remove the '&&'"),
        condition("block: the line and column of the error within the block", """
            when: |
                  event.type == "payment.failed"
                    && event.channel = "PAYMENT"
            """.stripTrailing(),
            "6: condition in 'when' is not valid CEL at column 20: a single '=' is not a CEL"
                + " operator; to compare, write '=='"),
        condition("block: an operator left at its end", """
            when: |
                  event.type == "payment.failed" &&
            """.stripTrailing(),
            "5: condition in 'when' is not valid CEL at column 34: the condition ends with"
                + " '&&', which needs something after it; complete it or remove the '&&'"),
        condition("folded block: the line the error came from", """
            when: >
                  event.type == "payment.failed"
                  && event.channel = "PAYMENT"
            """.stripTrailing(),
            "6: condition in 'when' is not valid CEL at column 18: a single '=' is not a CEL"
                + " operator; to compare, write '=='"),
        condition("plain value over two lines", """
            when: event.type == "payment.failed"
                  && event.channel = "PAYMENT"
            """.stripTrailing(),
            "5: condition in 'when' is not valid CEL at column 18: a single '=' is not a CEL"
                + " operator; to compare, write '=='"),
        condition("block: an error without a place is on its first line", """
            when: |
                  event.type
            """.stripTrailing(),
            "5: condition in 'when' is not valid CEL: condition must evaluate to bool, but"
                + " `event.type\n` has type string"),
        rejected("enterWhen", "audiences/a.yaml", AUDIENCE + "enterWhen: not profile.vip\n",
            "4: condition in 'enterWhen' is not valid CEL at column 5: 'not' is not a CEL"
                + " operator; write '!' before what it negates, e.g. !(event.type == \"a\")"));
  }

  /**
   * Empty lists say what leaving the key out means; booleans are true or false; a broken file is
   * reported once, not again where its id is used; conditions are placed at their line and column
   * and explained in plain words.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource({"emptyLists", "booleans", "brokenFilesReferredTo", "conditions"})
  void shouldRejectTheFolderWithExactlyThisMessage(String name, String file, String text,
      String expected) {
    assertThat(problemsWith(file, text)).containsExactly(dir + "/" + expected);
  }

  private List<String> problemsWith(String file, byte[] content) {
    return problems(folder().path(), file, content);
  }

  /** The valid job with one file replaced; the problems it loads with, as printed. */
  private List<String> problemsWith(String file, String text) {
    return problems(folder().path(), file, text.getBytes(StandardCharsets.UTF_8));
  }

  private JobFolder folder() {
    return JobFolder.in(dir)
        .pattern("failed", FAILED)
        .pattern("succeeded", SUCCEEDED)
        .audience("a", AUDIENCE)
        .suppression("s", SUPPRESSION);
  }

  private static List<String> problems(Path job, String file, byte[] content) {
    try {
      Files.write(job.resolve(file), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    InvalidJobException e =
        catchThrowableOfType(InvalidJobException.class, () -> JobLoader.load(job));
    assertThat(e).as("the job loads, but should not").isNotNull();
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }
}
