package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.journeyorchestrator.condition.AttributeType;
import io.journeyorchestrator.config.EventCatalog.Attribute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A job folder with events.yaml: the catalog is read strictly, and every condition must fit it;
 * each rejected folder gives exactly one message.
 */
class EventCatalogLoadingTest {
  static final String CATALOG = """
      channels: [WEB, APP, CALL_CENTER]
      events:
        payment.failed:
          description: A card payment was declined
          attributes:
            amount: {type: decimal, required: true}
            reason: string
        call.inbound:
          attributes:
            reason: string
        profile.updated:
      profile:
        tier: string
        tenureMonths: int
      """;

  private static final String PATTERN = JobFolder.PATTERN;

  private static final String AUDIENCE = """
      id: payment-trouble
      enter: [calls-after-failed-payment]
      enterWhen: profile.tier == "gold" || profile.tenureMonths >= 60
      """;

  @TempDir Path dir;

  @Test
  void shouldLoadTheCatalogWithTheJob() throws Exception {
    JobDefinition job = JobLoader.load(JobFolder.in(dir).events(CATALOG)
        .pattern("p", PATTERN).audience("a", AUDIENCE).path());

    EventCatalog catalog = job.catalogOptional().orElseThrow();
    assertThat(catalog.channels()).containsExactly("WEB", "APP", "CALL_CENTER");
    assertThat(catalog.events()).containsOnlyKeys("call.inbound", "payment.failed",
        "profile.updated");
    assertThat(catalog.events().get("payment.failed").description())
        .isEqualTo("A card payment was declined");
    assertThat(catalog.attributesOf("payment.failed").orElseThrow()).containsExactly(
        org.assertj.core.api.Assertions.entry("amount",
            new Attribute(AttributeType.DECIMAL, true, "")),
        org.assertj.core.api.Assertions.entry("reason",
            new Attribute(AttributeType.STRING, false, "")));
    assertThat(catalog.attributesOf("profile.updated")).contains(catalog.profile());
    assertThat(catalog.profile()).containsOnlyKeys("tenureMonths", "tier");
    assertThat(catalog.attributesOf("chat.started")).isEmpty();
  }

  @Test
  void shouldValidateTheDemoJobWithItsCatalog() throws Exception {
    JobDefinition demo = JobLoader.load(Path.of("jobs/telecom-demo"));

    EventCatalog catalog = demo.catalogOptional().orElseThrow();
    assertThat(catalog.file()).isEqualTo("jobs/telecom-demo/events.yaml");
    assertThat(catalog.events()).hasSize(12).containsKey("call.inbound");
    assertThat(catalog.profile()).containsOnlyKeys("preferredDevice", "segment", "tenureMonths",
        "tier");
  }

  @Test
  void shouldCheckTheDemoJobsConditionsAgainstItsCatalog() throws Exception {
    Path demo = Path.of("jobs/telecom-demo");
    try (Stream<Path> files = Files.walk(demo)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        Path copy = dir.resolve(demo.relativize(file).toString());
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
      }
    }
    Path pattern = dir.resolve("patterns/repeated-calls.yaml");
    Files.writeString(pattern, Files.readString(pattern).replace("call.inbound", "call.inbund"));

    InvalidJobException e = catchThrowableOfType(InvalidJobException.class,
        () -> JobLoader.load(dir));

    assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(pattern
        + ":6: condition in 'when' does not fit events.yaml: event type 'call.inbund' is not"
        + " declared; did you mean 'call.inbound'? Declared types: call.inbound, device.activated,"
        + " email.opened, order.completed, page.view, payment.failed, payment.succeeded,"
        + " profile.updated, store.visit, support.case.opened, support.case.resolved,"
        + " survey.completed");
  }

  @Test
  void shouldLoadAJobWithoutCatalog() throws Exception {
    assertThat(JobLoader.load(JobFolder.in(dir).pattern("p", PATTERN).path()).catalogOptional())
        .isEmpty();
  }

  static Stream<Arguments> rejectedFolders() {
    String patterns = "patterns/p.yaml:";
    return Stream.of(
        Arguments.of("unknown event type with suggestion", CATALOG,
            PATTERN.replace("\"call.inbound\"", "\"call.inbund\""), AUDIENCE,
            patterns + "7: condition in 'when' does not fit events.yaml: event type 'call.inbund'"
                + " is not declared; did you mean 'call.inbound'? Declared types: call.inbound,"
                + " payment.failed, profile.updated"),
        Arguments.of("attribute not declared for the pinned type", CATALOG,
            PATTERN.replace("event.type == \"payment.failed\"",
                "event.type == \"payment.failed\" && event.attributes.amout > 10"), AUDIENCE,
            patterns + "5: condition in 'when' does not fit events.yaml: attribute 'amout' is not"
                + " declared for payment.failed; did you mean 'amount'? Declared: amount, reason"),
        Arguments.of("undeclared attribute in has()", CATALOG,
            PATTERN.replace("event.channel == \"CALL_CENTER\"",
                "has(event.attributes.amount)"), AUDIENCE,
            patterns + "7: condition in 'when' does not fit events.yaml: attribute 'amount' is"
                + " not declared for call.inbound; declared: reason"),
        Arguments.of("unknown channel symbol", CATALOG,
            PATTERN.replace("\"CALL_CENTER\"", "\"WEBSITE\""), AUDIENCE,
            patterns + "7: condition in 'when' does not fit events.yaml: channel 'WEBSITE' does"
                + " not exist; declared channels: WEB, APP, CALL_CENTER"),
        Arguments.of("channel not in the catalog", CATALOG,
            PATTERN.replace("\"CALL_CENTER\"", "\"IVR\""), AUDIENCE,
            patterns + "7: condition in 'when' does not fit events.yaml: channel 'IVR' is not"
                + " declared; declared channels: WEB, APP, CALL_CENTER"),
        Arguments.of("string compared with a decimal attribute", CATALOG,
            PATTERN.replace("event.type == \"payment.failed\"",
                "event.type == \"payment.failed\" && event.attributes.amount > \"100\""), AUDIENCE,
            patterns + "5: condition in 'when' does not fit events.yaml: found no matching"
                + " overload for '_>_' applied to '(double, string)' (column 59); attribute"
                + " 'amount' is decimal"),
        Arguments.of("string compared with an int profile fact", CATALOG, PATTERN,
            AUDIENCE.replace(">= 60", ">= \"60\""),
            "audiences/a.yaml:3: condition in 'enterWhen' does not fit events.yaml: found no"
                + " matching overload for '_>=_' applied to '(int, string)' (column 48); profile"
                + " fact 'tenureMonths' is int"),
        Arguments.of("catalog: unknown key with suggestion",
            CATALOG.replace("    attributes:\n      amount", "    atributes:\n      amount"),
            PATTERN, AUDIENCE,
            "events.yaml:5: unknown key 'atributes' in event type 'payment.failed'; did you mean"
                + " 'attributes'? Valid keys: description, attributes"),
        Arguments.of("catalog: bad type name", CATALOG.replace("tenureMonths: int",
                "tenureMonths: integer"), PATTERN, AUDIENCE,
            "events.yaml:14: unknown type 'integer' for profile fact 'tenureMonths'; use one of:"
                + " string, int, decimal, boolean, timestamp"),
        Arguments.of("catalog: bad type name in the long form", CATALOG.replace("type: decimal",
                "type: money"), PATTERN, AUDIENCE,
            "events.yaml:6: unknown type 'money' for attribute 'amount'; use one of: string, int,"
                + " decimal, boolean, timestamp"),
        Arguments.of("catalog: empty channel list",
            CATALOG.replace("[WEB, APP, CALL_CENTER]", "[]"), PATTERN, AUDIENCE,
            "events.yaml:1: 'channels' is empty; the events catalog needs at least one, e.g. [WEB,"
                + " APP, CALL_CENTER]"),
        Arguments.of("catalog: empty attributes",
            CATALOG.replace("    attributes:\n      reason: string\n", "    attributes: {}\n"),
            PATTERN, AUDIENCE,
            "events.yaml:9: 'attributes' must have at least one entry; leave 'attributes' out if"
                + " call.inbound has none"),
        Arguments.of("catalog: unknown channel",
            CATALOG.replace("CALL_CENTER]", "CALLCENTER]"), PATTERN, AUDIENCE,
            "events.yaml:1: unknown channel 'CALLCENTER'; use one of: WEB, APP, IVR,"
                + " CALL_CENTER, CHAT, EMAIL, SMS, PUSH, STORE, PAYMENT, SURVEY, OTHER"),
        Arguments.of("catalog: profile.updated with its own attributes",
            CATALOG.replace("  profile.updated:\n", "  profile.updated:\n    attributes:\n"
                + "      tier: string\n"), PATTERN, AUDIENCE,
            "events.yaml:12: profile.updated carries the profile facts: declare them under"
                + " 'profile', not as its attributes"),
        Arguments.of("catalog: profile facts are never required",
            CATALOG.replace("tier: string", "tier: {type: string, required: true}"), PATTERN,
            AUDIENCE,
            "events.yaml:13: unknown key 'required' in profile fact 'tier'. Valid keys: type,"
                + " description"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedFolders")
  void shouldRejectWithOneMessage(String problem, String catalog, String pattern,
      String audience, String expected) {
    Path folder = JobFolder.in(dir).events(catalog).pattern("p", pattern)
        .audience("a", audience).path();

    InvalidJobException e = catchThrowableOfType(InvalidJobException.class,
        () -> JobLoader.load(folder));

    assertThat(e).as("rejected").isNotNull();
    assertThat(e.problems()).extracting(ConfigProblem::toString)
        .containsExactly(dir.resolve(expected).toString());
  }
}
