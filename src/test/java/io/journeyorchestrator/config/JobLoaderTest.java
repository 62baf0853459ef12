package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyorchestrator.config.PatternDefinition.AfterMatch;
import io.journeyorchestrator.config.StepDefinition.Contiguity;
import io.journeyorchestrator.config.StepDefinition.Times;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Loading a job folder: good files become typed definitions, each bad file one clear message. */
class JobLoaderTest {
  private static final String PATTERN = JobFolder.PATTERN;

  @TempDir Path dir;

  @Test
  void shouldLoadTheDemoJob() throws Exception {
    JobDefinition job = JobLoader.load(Path.of("jobs/telecom-demo"));
    assertThat(job.settings().name()).isEqualTo("telecom-demo");
    assertThat(job.settings().topics().events()).isEqualTo("cjo.interactions");
    assertThat(job.settings().maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(30));
    assertThat(job.settings().idleTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(job.patterns()).isNotEmpty();
  }

  @Test
  void shouldLoadAGoodFileIntoTypedDefinitions() throws Exception {
    JobDefinition job = JobLoader.load(JobFolder.in(dir).pattern("p", PATTERN).path());

    assertThat(job.settings().maxFutureSkew()).isEqualTo(Duration.ofHours(1));
    assertThat(job.settings().dedupWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(job.settings().inputFormat()).isEqualTo(JobSettings.InputFormat.AVRO);
    assertThat(job.settings().delivery()).isEqualTo(JobSettings.Delivery.EXACTLY_ONCE);
    PatternDefinition pattern = job.patterns().get(0);
    assertThat(pattern.id()).isEqualTo("calls-after-failed-payment");
    assertThat(pattern.within()).isEqualTo(Duration.ofHours(3));
    assertThat(pattern.afterMatch()).isEqualTo(AfterMatch.SKIP_PAST_LAST_EVENT);
    assertThat(pattern.steps()).extracting(StepDefinition::name)
        .containsExactly("failed-payment", "calls");
    assertThat(pattern.steps().get(1).times()).isEqualTo(new Times(2, null));
    assertThat(pattern.steps().get(1).contiguity()).isEqualTo(Contiguity.RELAXED);
    assertThat(job.summary()).isEqualTo("OK: 1 patterns, 0 audiences, 0 suppressions");
  }

  @Test
  void shouldParseEveryTimesForm() {
    assertThat(JobLoader.parseTimes("3")).contains(new Times(3, 3));
    assertThat(JobLoader.parseTimes("2+")).contains(new Times(2, null));
    assertThat(JobLoader.parseTimes("2..4")).contains(new Times(2, 4));
    assertThat(JobLoader.parseTimes("0")).isEmpty();
    assertThat(JobLoader.parseTimes("4..2")).isEmpty();
    assertThat(JobLoader.parseTimes("many")).isEmpty();
  }

  static Stream<Arguments> rejectedJobYamls() {
    return Stream.of(
        Arguments.of("unknown key", JobFolder.JOB_YAML + "paralelism: 4\n",
            "job.yaml:15: unknown key 'paralelism' in job.yaml. Valid keys: name, kafka, time,"
                + " input, dedup, delivery"),
        Arguments.of("unknown nested key with suggestion",
            JobFolder.JOB_YAML.replace("idleTimeout", "idleTimout"),
            "job.yaml:14: unknown key 'idleTimout' in time; did you mean 'idleTimeout'?"),
        Arguments.of("missing required key",
            JobFolder.JOB_YAML.replace("  maxOutOfOrderness: 30s\n", ""),
            "job.yaml:12: missing required key 'maxOutOfOrderness' in time; add it, for example"
                + " 'maxOutOfOrderness: 30s'"),
        Arguments.of("missing topic",
            JobFolder.JOB_YAML.replace("    lateEvents: t.late-events\n", ""),
            "missing required key 'lateEvents' in kafka.topics"),
        Arguments.of("bad duration",
            JobFolder.JOB_YAML.replace("maxOutOfOrderness: 30s", "maxOutOfOrderness: 30 sec"),
            "job.yaml:13: bad duration '30 sec' for 'maxOutOfOrderness': write an integer"
                + " followed by ms, s, m, h or d, for example 30s, 3h or 7d"),
        Arguments.of("bad choice", JobFolder.JOB_YAML + "delivery: twice\n",
            "job.yaml:15: 'delivery' is 'twice'; use one of: exactly-once, at-least-once"),
        Arguments.of("yaml syntax", "name: [unclosed\n",
            "job.yaml:2: YAML syntax error"),
        Arguments.of("bad job name", JobFolder.JOB_YAML.replace("name: test-job", "name: Test Job"),
            "job.yaml:1: 'name' is 'Test Job': use only lower-case letters, digits and '-'"));
  }

  private static final String REGISTRY_INPUT = """
      input:
        format: registry-avro
        schemaRegistry:
          url: http://127.0.0.1:8080/apis/ccompat/v7/
          basicAuth:
            username: journeys
            password: ${REGISTRY_PASSWORD}
          cacheSize: 500
          requestTimeout: 2s
          retries: 1
      """;

  @Test
  void shouldLoadTheSchemaRegistryOfARegistryAvroJob() throws Exception {
    Path folder = JobFolder.in(dir).file("job.yaml", JobFolder.JOB_YAML + REGISTRY_INPUT)
        .pattern("p", PATTERN).path();

    JobSettings settings = JobLoader.load(folder).settings();

    assertThat(settings.inputFormat()).isEqualTo(JobSettings.InputFormat.REGISTRY_AVRO);
    SchemaRegistrySettings registry = settings.schemaRegistry();
    assertThat(registry.url()).hasToString("http://127.0.0.1:8080/apis/ccompat/v7");
    assertThat(registry.cacheSize()).isEqualTo(500);
    assertThat(registry.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(registry.retries()).isEqualTo(1);
    assertThat(registry.basicAuth().password()).isEqualTo("${REGISTRY_PASSWORD}");
    assertThat(registry.authorization(name -> name.equals("REGISTRY_PASSWORD") ? "pw" : null))
        .contains("Basic am91cm5leXM6cHc=");
    assertThat(settings.toString()).doesNotContain("REGISTRY_PASSWORD").contains("******");
    assertThatThrownBy(() -> registry.authorization(name -> null))
        .hasMessageContaining("job.yaml:19: input.schemaRegistry.basicAuth.password: environment"
            + " variable REGISTRY_PASSWORD is not set");
  }

  @Test
  void shouldDefaultTheRegistryLimits() throws Exception {
    Path folder = JobFolder.in(dir).file("job.yaml", JobFolder.JOB_YAML + """
        input:
          format: registry-avro
          schemaRegistry: {url: "http://schema-registry:8081"}
        """).pattern("p", PATTERN).path();

    SchemaRegistrySettings registry = JobLoader.load(folder).settings().schemaRegistry();

    assertThat(registry.basicAuth()).isNull();
    assertThat(registry.cacheSize()).isEqualTo(SchemaRegistrySettings.DEFAULT_CACHE_SIZE);
    assertThat(registry.requestTimeout()).isEqualTo(SchemaRegistrySettings.DEFAULT_REQUEST_TIMEOUT);
    assertThat(registry.retries()).isEqualTo(SchemaRegistrySettings.DEFAULT_RETRIES);
  }

  static Stream<Arguments> rejectedRegistryInputs() {
    return Stream.of(
        Arguments.of("registry format without registry", "input:\n  format: registry-avro\n",
            "job.yaml:16: format registry-avro reads writer schemas from a schema registry: add"
                + " 'schemaRegistry:' to input with at least 'url:'"),
        Arguments.of("registry without url", REGISTRY_INPUT.replace(
                "    url: http://127.0.0.1:8080/apis/ccompat/v7/\n", ""),
            "job.yaml:17: missing required key 'url' in input.schemaRegistry; add it, for example"
                + " 'url: http://schema-registry:8081'"),
        Arguments.of("registry with another format",
            REGISTRY_INPUT.replace("format: registry-avro", "format: avro"),
            "job.yaml:17: input.schemaRegistry is read only with 'format: registry-avro' (format"
                + " is avro); set that format or remove schemaRegistry"),
        Arguments.of("credentials in the url", REGISTRY_INPUT.replace("http://127", "http://u:s@127"),
            "job.yaml:18: 'url' holds credentials; remove them and write them as basicAuth"),
        Arguments.of("not http", REGISTRY_INPUT.replace("http://127.0.0.1:8080", "ftp://x"),
            "job.yaml:18: 'url' is 'ftp://x/apis/ccompat/v7/'; write the registry's base address"
                + " with http:// or https://"),
        Arguments.of("bad secret reference", REGISTRY_INPUT.replace("${REGISTRY_PASSWORD}",
                "${file:secret.txt}"),
            "job.yaml:21: 'password' in input.schemaRegistry.basicAuth: '${file:secret.txt}'"
                + " names a relative path"),
        Arguments.of("password missing", REGISTRY_INPUT.replace(
                "      password: ${REGISTRY_PASSWORD}\n", ""),
            "job.yaml:19: missing required key 'password' in input.schemaRegistry.basicAuth"),
        Arguments.of("cache size zero", REGISTRY_INPUT.replace("cacheSize: 500", "cacheSize: 0"),
            "job.yaml:22: 'cacheSize' is '0': write a whole number from 1 to 1000000, e.g. 1000"),
        Arguments.of("timeout too long", REGISTRY_INPUT.replace("2s", "2m"),
            "job.yaml:23: 'requestTimeout' may be at most 1m: a lookup holds the source's thread"),
        Arguments.of("too many retries", REGISTRY_INPUT.replace("retries: 1", "retries: 50"),
            "job.yaml:24: 'retries' is '50': write a whole number from 0 to 10"),
        Arguments.of("unknown registry key", REGISTRY_INPUT.replace("cacheSize:", "cachSize:"),
            "job.yaml:22: unknown key 'cachSize' in input.schemaRegistry; did you mean"
                + " 'cacheSize'?"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedRegistryInputs")
  void shouldRejectABadSchemaRegistry(String problem, String input, String expected) {
    Path folder = JobFolder.in(dir).file("job.yaml", JobFolder.JOB_YAML + input).path();
    assertThatThrownBy(() -> JobLoader.load(folder))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedJobYamls")
  void shouldRejectBadJobYaml(String problem, String jobYaml, String expected) {
    Path folder = JobFolder.in(dir).file("job.yaml", jobYaml).path();
    assertThatThrownBy(() -> JobLoader.load(folder))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining(expected);
  }

  static Stream<Arguments> rejectedPatterns() {
    return Stream.of(
        Arguments.of("yaml syntax", "id: x\nsteps:\n  - name: a\n   when: b\n",
            "p.yaml:4: YAML syntax error"),
        Arguments.of("unknown key with suggestion", PATTERN.replace("within:", "withn:"),
            "p.yaml:9: unknown key 'withn' in a pattern; did you mean 'within'? Valid keys: id,"
                + " description, steps, within, afterMatch"),
        Arguments.of("unknown step key", PATTERN.replace("times:", "time:"),
            "p.yaml:8: unknown key 'time' in a step; did you mean 'times'?"),
        Arguments.of("missing id", PATTERN.replace("id: calls-after-failed-payment\n", ""),
            "p.yaml:1: missing required key 'id' in a pattern"),
        Arguments.of("missing steps", "id: x\nwithin: 1h\n",
            "p.yaml:1: missing required key 'steps' in a pattern"),
        Arguments.of("missing when", PATTERN.replace(
                "    when: event.type == \"payment.failed\"\n", ""),
            "p.yaml:4: missing required key 'when' in a step"),
        Arguments.of("bad id", PATTERN.replace("id: calls-after-failed-payment", "id: Calls_1"),
            "p.yaml:1: 'id' is 'Calls_1': use only lower-case letters, digits and '-'"),
        Arguments.of("bad step name", PATTERN.replace("name: calls", "name: Calls!"),
            "p.yaml:6: 'name' is 'Calls!': use only lower-case letters, digits and '-'"),
        Arguments.of("duplicate step names", PATTERN.replace("name: calls", "name: failed-payment"),
            "p.yaml:6: duplicate step name 'failed-payment'"),
        Arguments.of("bad duration", PATTERN.replace("within: 3h", "within: 3 hours"),
            "p.yaml:9: bad duration '3 hours' for 'within': write an integer followed by ms, s,"
                + " m, h or d"),
        Arguments.of("bad times", PATTERN.replace("\"2+\"", "\"2-\""),
            "p.yaml:8: bad times '2-': write N (exactly N), \"N+\" (at least N) or \"N..M\""),
        Arguments.of("times range reversed", PATTERN.replace("\"2+\"", "\"5..2\""),
            "p.yaml:8: bad times '5..2'"),
        Arguments.of("absent first step", """
            id: x
            steps:
              - name: nothing
                when: event.type == "a"
                absent: true
              - name: then
                when: event.type == "b"
            within: 1h
            """, "p.yaml:3: a pattern may not start with an absent step ('nothing')"),
        Arguments.of("missing within", PATTERN.replace("within: 3h\n", ""),
            "p.yaml:1: missing 'within': only a single step taken once, or steps each with a"
                + " 'within' of their own (every step after the first taken once), may leave it"
                + " out"),
        Arguments.of("missing within with a repeated later step", """
            id: x
            steps:
              - name: placed
                when: event.type == "a"
              - name: calls
                when: event.type == "b"
                times: 2
                within: 1h
            """, "p.yaml:1: missing 'within': only a single step taken once, or steps each"),
        Arguments.of("step within on an absent step", """
            id: x
            steps:
              - name: bought
                when: event.type == "a"
              - name: activated
                when: event.type == "b"
                absent: true
                within: 1h
            within: 7d
            """, "p.yaml:8: an absent step takes no 'within' of its own: the pattern's 'within'"
                + " says until when the absence is checked; move it there"),
        Arguments.of("steps naming a later step", """
            id: x
            steps:
              - name: placed
                when: event.attributes.orderId == steps.delivered.attributes.orderId
              - name: delivered
                when: event.type == "b"
            within: 7d
            """, "p.yaml:4: step 'placed': 'steps.delivered' names a later step, whose event is"
                + " not known yet when 'placed' is judged; the first step has no earlier step"
                + " to refer to"),
        Arguments.of("steps naming the step itself", """
            id: x
            steps:
              - name: placed
                when: event.type == "a"
              - name: calls
                when: event.attributes.agent == steps.calls.attributes.agent
                times: 2
            within: 7d
            """, "p.yaml:6: step 'calls': 'steps.calls' refers to its own step; 'event' is the"
                + " event this step is judged for; earlier steps that take an event: placed"),
        Arguments.of("steps naming an absent step", """
            id: x
            steps:
              - name: bought
                when: event.type == "a"
              - name: returned
                when: event.type == "r"
                absent: true
              - name: activated
                when: event.attributes.imei == steps.returned.attributes.imei
            within: 7d
            """, "p.yaml:9: step 'activated': 'steps.returned' names an absent step, which"
                + " takes no event; earlier steps that take an event: bought"),
        Arguments.of("steps naming no step", """
            id: x
            steps:
              - name: bought
                when: event.type == "a"
              - name: activated
                when: event.attributes.imei == steps.bougth.attributes.imei
            within: 7d
            """, "p.yaml:6: step 'activated': 'steps.bougth' names no step of this pattern;"
                + " earlier steps that take an event: bought"),
        Arguments.of("steps read by index", """
            id: x
            steps:
              - name: bought
                when: event.type == "a"
              - name: activated
                when: event.attributes.imei == steps[event.type].attributes.imei
            within: 7d
            """, "p.yaml:6: condition in 'when' is not valid CEL at column 26: read an earlier"
                + " step's event as steps.<step name>, or steps[\"<step name>\"] for a name with"
                + " a dash, e.g. steps.placed.attributes.orderId"),
        Arguments.of("steps naming a later step by index", """
            id: x
            steps:
              - name: device-bought
                when: event.type == "a"
              - name: activated
                when: event.attributes.imei == steps["device-returned"].attributes.imei
              - name: device-returned
                when: event.type == "r"
            within: 7d
            """, "p.yaml:6: step 'activated': 'steps[\"device-returned\"]' names a later"
                + " step"),
        Arguments.of("step within on a single first step", """
            id: x
            steps:
              - name: bought
                when: event.type == "a"
                within: 1h
              - name: activated
                when: event.type == "b"
            within: 7d
            """, "p.yaml:5: the first step ('bought') has no previous step to count its"
                + " 'within' from; put 'within' on the pattern, or give the step 'times'"),
        Arguments.of("step within not shorter than the pattern's", """
            id: x
            steps:
              - name: bought
                when: event.type == "a"
              - name: activated
                when: event.type == "b"
                within: 7d
            within: 7d
            """, "p.yaml:5: step 'activated' has 'within: 7d', not shorter than the pattern's"
                + " 'within: 7d', so it never limits anything; make it shorter or remove it"),
        Arguments.of("bad step within", PATTERN.replace("times: \"2+\"",
                "times: \"2+\"\n    within: soon"),
            "p.yaml:9: bad duration 'soon' for 'within'"),
        Arguments.of("missing within for absent last step", """
            id: x
            steps:
              - name: bought
                when: event.type == "a"
              - name: activated
                when: event.type == "b"
                absent: true
            """, "p.yaml:1: missing 'within': a pattern whose last step is absent ('activated')"
                + " needs 'within'"),
        Arguments.of("absent step with times", """
            id: x
            steps:
              - name: bought
                when: event.type == "a"
              - name: activated
                when: event.type == "b"
                absent: true
                times: 2
            within: 1h
            """, "p.yaml:8: an absent step takes no 'times'"),
        Arguments.of("bad contiguity", PATTERN.replace("times: \"2+\"", "contiguity: loose"),
            "p.yaml:8: 'contiguity' is 'loose'; use one of: relaxed, strict, any"),
        Arguments.of("CEL syntax error", PATTERN.replace(
                "event.type == \"payment.failed\"", "event.type == = \"x\""),
            "p.yaml:5: condition in 'when' is not valid CEL at column 15: a single '=' is not a"
                + " CEL operator; to compare, write '=='"),
        Arguments.of("CEL type error", PATTERN.replace(
                "event.type == \"payment.failed\"", "event.type + 1 == 2"),
            "p.yaml:5: condition in 'when' is not valid CEL at column 12: found no matching"
                + " overload for '_+_' applied to '(string, int)'"),
        Arguments.of("non-boolean condition", PATTERN.replace(
                "event.type == \"payment.failed\"", "event.type"),
            "p.yaml:5: condition in 'when' is not valid CEL: condition must evaluate to bool,"
                + " but `event.type` has type string"),
        Arguments.of("bad afterMatch", PATTERN + "afterMatch: skip-all\n",
            "p.yaml:10: 'afterMatch' is 'skip-all'; use one of: skip-past-last-event, no-skip"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedPatterns")
  void shouldRejectBadPattern(String problem, String pattern, String expected) {
    Path folder = JobFolder.in(dir).pattern("p", pattern).path();
    assertThatThrownBy(() -> JobLoader.load(folder))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining(dir.resolve("patterns") + "/" + expected);
  }

  @Test
  void shouldSayThatAStepWindowNeedsTheDefaultEngine() throws Exception {
    String windowed = PATTERN.replace("times: \"2+\"", "times: \"2+\"\n    within: 1h");
    assertThat(JobLoader.load(JobFolder.in(dir).pattern("p", windowed).path()).patterns().get(0)
        .steps().get(1).within()).isEqualTo(java.time.Duration.ofHours(1));
    Path folder = JobFolder.in(dir).engine("flink-cep").pattern("p", windowed).path();
    assertThatThrownBy(() -> JobLoader.load(folder))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining(dir.resolve("patterns") + "/p.yaml:9: step 'calls' has its own"
            + " 'within', which only the default pattern engine runs; remove 'engine: flink-cep'"
            + " from job.yaml, or the step's 'within'");
  }

  @Test
  void shouldLoadCrossStepConditionsOnBothEnginesAndRefuseStepsOutsideAStep() throws Exception {
    String sameOrder = """
        id: delivered-late
        steps:
          - name: placed
            when: event.type == "order.placed"
          - name: delivered
            when: event.attributes.orderId == steps.placed.attributes.orderId
        within: 7d
        """;
    for (String engine : List.of("journey", "flink-cep")) {
      assertThat(JobLoader.load(JobFolder.in(dir.resolve(engine)).engine(engine)
          .pattern("p", sameOrder).path()).patterns()).hasSize(1);
    }
    Path folder = JobFolder.in(dir.resolve("audience")).pattern("p", sameOrder)
        .audience("a", """
            id: late-delivery
            enter: [delivered-late]
            enterWhen: steps.placed.attributes.orderId != ""
            """).path();
    assertThatThrownBy(() -> JobLoader.load(folder))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("a.yaml:3: condition in 'enterWhen' reads 'steps', which only a"
            + " pattern step's 'when' is given");
  }

  @Test
  void shouldReportEveryProblemNotOnlyTheFirst() {
    Path folder = JobFolder.in(dir)
        .pattern("a", PATTERN.replace("within:", "withn:"))
        .pattern("b", PATTERN.replace("id: calls-after-failed-payment", "id: Bad"))
        .path();
    InvalidJobException e = (InvalidJobException) org.assertj.core.api.Assertions
        .catchThrowable(() -> JobLoader.load(folder));
    assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(
        m -> assertThat(m).contains("a.yaml:9: unknown key 'withn'"));
    assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(
        m -> assertThat(m).contains("a.yaml:1: missing 'within'"));
    assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(
        m -> assertThat(m).contains("b.yaml:1: 'id' is 'Bad'"));
  }

  @Test
  void shouldRejectDuplicatePatternIds() {
    Path folder = JobFolder.in(dir).pattern("a", PATTERN).pattern("b", PATTERN).path();
    assertThatThrownBy(() -> JobLoader.load(folder))
        .hasMessageContaining("b.yaml:1: duplicate pattern id 'calls-after-failed-payment':"
            + " also used by " + dir.resolve("patterns/a.yaml"));
  }

  @Test
  void shouldRejectReferencesToUnknownPatternsAndAudiences() {
    Path folder = JobFolder.in(dir)
        .pattern("p", PATTERN)
        .audience("a", """
            id: payment-trouble
            enter: [calls-after-failed-payment, no-such-pattern]
            """)
        .suppression("s", """
            id: quiet
            while: [payment-trouble, no-such-audience]
            channels: [EMAIL, FAX]
            """)
        .path();
    InvalidJobException e = (InvalidJobException) org.assertj.core.api.Assertions
        .catchThrowable(() -> JobLoader.load(folder));
    assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
        dir.resolve("audiences/a.yaml") + ":2: 'enter' names unknown pattern 'no-such-pattern';"
            + " known patterns: calls-after-failed-payment",
        dir.resolve("suppressions/s.yaml") + ":2: 'while' names unknown audience"
            + " 'no-such-audience'; known audiences: payment-trouble",
        dir.resolve("suppressions/s.yaml") + ":3: unknown channel 'FAX'; use one of: WEB, APP,"
            + " IVR, CALL_CENTER, CHAT, EMAIL, SMS, PUSH, STORE, PAYMENT, SURVEY, OTHER");
  }

  @Test
  void shouldRejectAPatternThatBothEntersAndExitsAnAudience() {
    Path folder = JobFolder.in(dir)
        .pattern("p", PATTERN)
        .audience("a", """
            id: payment-trouble
            enter: [calls-after-failed-payment]
            exit: [calls-after-failed-payment]
            """)
        .path();
    assertThatThrownBy(() -> JobLoader.load(folder)).hasMessageContaining(
        "a.yaml:3: pattern 'calls-after-failed-payment' is in both 'enter' and 'exit'");
  }

  @Test
  void shouldLoadTheOutcomePatternsOfAnAudience() throws Exception {
    JobDefinition job = JobLoader.load(JobFolder.in(dir)
        .pattern("p", PATTERN)
        .pattern("q", PATTERN.replace("id: calls-after-failed-payment", "id: paid"))
        .audience("a", """
            id: payment-trouble
            enter: [calls-after-failed-payment]
            outcomes:
              completed: [paid]
            """)
        .path());
    assertThat(job.audiences().get(0).outcomes())
        .isEqualTo(new AudienceDefinition.Outcomes(List.of("paid"), List.of()));
  }

  @Test
  void shouldRejectOutcomesNamingUnknownPatternsOrBothWaysOrNothing() {
    Path folder = JobFolder.in(dir)
        .pattern("p", PATTERN)
        .audience("a", """
            id: payment-trouble
            enter: [calls-after-failed-payment]
            outcomes:
              completed: [calls-after-failed-payment, paid]
              leaked: [calls-after-failed-payment]
            """)
        .audience("b", """
            id: other
            enter: [calls-after-failed-payment]
            outcomes: {}
            """)
        .path();
    InvalidJobException e = (InvalidJobException) org.assertj.core.api.Assertions
        .catchThrowable(() -> JobLoader.load(folder));
    assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
        dir.resolve("audiences/a.yaml") + ":4: 'outcomes.completed' names unknown pattern 'paid';"
            + " known patterns: calls-after-failed-payment",
        dir.resolve("audiences/a.yaml") + ":5: pattern 'calls-after-failed-payment' is in both"
            + " 'completed' and 'leaked'; a stay cannot end both ways: keep it in one of them",
        dir.resolve("audiences/b.yaml") + ":3: 'outcomes' names no patterns; give 'completed'"
            + " and/or 'leaked', e.g. 'completed: [device-activated]', or leave 'outcomes' out");
  }

  @Test
  void shouldLoadAudiencesAndSuppressions() throws Exception {
    JobDefinition job = JobLoader.load(JobFolder.in(dir)
        .pattern("p", PATTERN)
        .audience("a", """
            id: payment-trouble
            enter: [calls-after-failed-payment]
            enterWhen: profile.tier == "gold"
            expireAfter: 7d
            cooldown: 30d
            """)
        .suppression("s", """
            id: quiet
            while: [payment-trouble]
            channels: [EMAIL, SMS]
            categories: [marketing]
            """)
        .path());
    AudienceDefinition audience = job.audiences().get(0);
    assertThat(audience.enter()).containsExactly("calls-after-failed-payment");
    assertThat(audience.exit()).isEmpty();
    assertThat(audience.expireAfter()).isEqualTo(Duration.ofDays(7));
    assertThat(audience.cooldown()).isEqualTo(Duration.ofDays(30));
    assertThat(audience.enterWhen()).isEqualTo("profile.tier == \"gold\"");
    SuppressionDefinition policy = job.suppressions().get(0);
    assertThat(policy.whileAudiences()).containsExactly("payment-trouble");
    assertThat(policy.channels()).containsExactly("EMAIL", "SMS");
    assertThat(policy.categories()).isEqualTo(List.of("marketing"));
  }

  @Test
  void shouldNameTheFolderWhenItDoesNotExist() {
    assertThatThrownBy(() -> JobLoader.load(dir.resolve("nope")))
        .hasMessageContaining("nope:1: job folder not found");
  }
}
