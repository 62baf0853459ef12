package io.journeyorchestrator.config;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.condition.CompileResult;
import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionCompiler;
import io.journeyorchestrator.condition.ConditionError;
import io.journeyorchestrator.condition.DeclaredEventsCheck;
import io.journeyorchestrator.condition.EventDeclarations;
import io.journeyorchestrator.config.PatternDefinition.AfterMatch;
import io.journeyorchestrator.config.StepDefinition.Contiguity;
import io.journeyorchestrator.config.StepDefinition.Times;
import io.journeyorchestrator.config.YamlMapping.Located;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads a job folder ({@code job.yaml}, {@code patterns/}, {@code audiences/}, {@code
 * suppressions/}, and {@code events.yaml} when present, which every condition must then fit) into
 * typed definitions, or fails with every problem found, each located at a
 * file and line and saying how to fix it. Nothing may run from a folder that does not load.
 */
public final class JobLoader {
  static final String ID_REGEX = "[a-z0-9-]+";
  // The keys of each mapping the loader reads: schemas/jobs/*.schema.json, which editors
  // validate with, must list the same (EditorSchemasTest).
  /** The keys job.yaml may have. */
  static final List<String> JOB_KEYS = List.of("name", "kafka", "time", "input", "dedup",
      "delivery", "engine", "decisions");
  /** The keys job.yaml kafka may have. */
  static final List<String> KAFKA_KEYS = List.of("bootstrapServers", "topics", "properties",
      "consumerProperties", "producerProperties");
  /** The keys job.yaml time may have. */
  static final List<String> TIME_KEYS = List.of("maxOutOfOrderness", "idleTimeout", "maxFutureSkew");
  /** The keys job.yaml input may have. */
  static final List<String> INPUT_KEYS = List.of("format", "schemaRegistry");
  /** The keys job.yaml dedup may have. */
  static final List<String> DEDUP_KEYS = List.of("window");
  /** The keys job.yaml input.schemaRegistry may have. */
  static final List<String> SCHEMA_REGISTRY_KEYS = List.of("url", "basicAuth", "cacheSize", "requestTimeout", "retries");
  /** The keys job.yaml input.schemaRegistry.basicAuth may have. */
  static final List<String> BASIC_AUTH_KEYS = List.of("username", "password");
  /** The keys job.yaml kafka.topics may have. */
  static final List<String> TOPIC_KEYS = List.of("events", "matches", "audienceChanges",
      "suppressions", "deadLetters", "lateEvents", "customerState", "decisions");
  /** Topics a job without actions may leave out. */
  private static final Set<String> OPTIONAL_TOPIC_KEYS = Set.of("decisions");
  /** The keys a pattern file may have. */
  static final List<String> PATTERN_KEYS = List.of("id", "description", "steps", "within", "afterMatch");
  /** The keys a pattern step may have. */
  static final List<String> STEP_KEYS =
      List.of("name", "when", "times", "absent", "contiguity", "within");
  /** The keys a step that is an anyOrder group may have. */
  static final List<String> GROUP_KEYS = List.of("anyOrder", "atLeast", "name", "contiguity");
  /** The keys a member of an anyOrder group may have (the others are refused by name). */
  static final List<String> GROUP_MEMBER_KEYS = List.of("name", "when");
  /** The most members of an anyOrder group: the engine has a state per subset of them. */
  static final int MOST_GROUP_MEMBERS = 8;
  /** The keys an audience file may have. */
  static final List<String> AUDIENCE_KEYS = List.of("id", "description", "enter", "enterWhen", "exit",
      "expireAfter", "cooldown", "outcomes", "while", "memberFor");
  /** The keys an audience's while (its composition of other audiences) may have. */
  static final List<String> COMPOSITION_KEYS = List.of("all", "any", "none");
  /** Keys of a pattern-entered audience that a composed one ({@code while}) does not take. */
  private static final List<String> PATTERN_AUDIENCE_KEYS = List.of("enter", "exit", "enterWhen",
      "expireAfter", "cooldown");
  /** The keys an audience's outcomes may have. */
  static final List<String> OUTCOMES_KEYS = List.of("completed", "leaked");
  /** The keys a suppression file may have. */
  static final List<String> SUPPRESSION_KEYS = List.of("id", "while", "channels", "categories");
  /** The keys job.yaml decisions may have. */
  static final List<String> DECISIONS_KEYS = List.of("sentEventType", "caps", "quietHours", "holdout");
  /** The keys job.yaml decisions.caps may have. */
  static final List<String> GLOBAL_CAPS_KEYS = List.of("channels", "categories");
  /** The keys job.yaml decisions.holdout may have. */
  static final List<String> HOLDOUT_KEYS = List.of("percent", "salt");
  /** The keys a frequency cap may have. */
  static final List<String> CAP_KEYS = List.of("max", "per");
  /** The keys job.yaml decisions.quietHours may have. */
  static final List<String> QUIET_HOURS_KEYS = List.of("from", "to", "defaultTimeZone");
  /** The keys an action file may have. */
  static final List<String> ACTION_KEYS = List.of("id", "description", "channel", "category",
      "eligibleWhile", "eligibleWhen", "priority", "caps", "holdout");
  static final String ID_RULE = "use only lower-case letters, digits and '-', e.g. payment-trouble";

  private static final Duration MAX_REGISTRY_TIMEOUT = Duration.ofMinutes(1);
  private static final java.util.regex.Pattern TIMES =
      java.util.regex.Pattern.compile("(\\d{1,6})(\\+|\\.\\.(\\d{1,6}))?");

  private final Path jobDir;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final List<ConfigProblem> warnings = new ArrayList<>();
  /** The decisions section of job.yaml, read with the settings; defaults when left out. */
  private DecisionSettings decisionSettings = DecisionSettings.DEFAULTS;
  /** Line of job.yaml's kafka.topics, for problems found once the whole folder is read. */
  private int topicsLine = 1;
  private final List<String> unreadPatternFiles = new ArrayList<>();
  private final List<String> unreadAudienceFiles = new ArrayList<>();
  /** Audiences named by conditions and compositions, checked once every audience is loaded. */
  private final List<AudienceRef> audienceRefs = new ArrayList<>();

  /** The line of each composed audience's {@code while}, by file. */
  private final Map<String, Integer> whileLines = new HashMap<>();

  private record AudienceRef(YamlMapping at, int line, String key, String audienceId) {}

  /**
   * Pattern features only the default engine runs, reported when job.yaml selects flink-cep
   * (known only once the whole folder is read, as job.yaml may name the engine after the patterns
   * were written).
   */
  private final List<ConfigProblem> defaultEngineOnly = new ArrayList<>();
  /** What conditions are checked against; null without an events catalog. */
  private EventDeclarations declarations;

  private JobLoader(Path jobDir) {
    this.jobDir = jobDir;
  }

  /** Loads and validates the whole folder; throws with all problems when anything is wrong. */
  public static JobDefinition load(Path jobDir) throws InvalidJobException {
    return new JobLoader(jobDir).loadAll();
  }

  private JobDefinition loadAll() throws InvalidJobException {
    if (!Files.isDirectory(jobDir)) {
      throw new InvalidJobException(List.of(new ConfigProblem(jobDir.toString(), 1,
          "job folder not found; pass a folder holding job.yaml, e.g. jobs/telecom-demo")));
    }
    Optional<JobSettings> settings = loadSettings(jobDir.resolve("job.yaml"));
    Optional<EventCatalog> catalog = loadCatalog(jobDir.resolve(EventCatalog.FILE));
    declarations = catalog.map(EventCatalog::declarations).orElse(null);
    // Ids declared by files that have other problems still count as known, so one mistake is
    // reported once and not again by every file that refers to it; so do the ids of files that
    // fail to parse, when a top-level `id:` line gives them away (recoverId).
    Set<String> patternIds = new HashSet<>();
    Set<String> audienceIds = new HashSet<>();
    Map<String, PatternDefinition> patterns = new LinkedHashMap<>();
    for (Path file : yamlFiles("patterns")) {
      loadPattern(file, patternIds).ifPresent(p -> addUnique(patterns, "pattern", p.id(), p.file(), p,
          PatternDefinition::file));
    }
    Map<String, AudienceDefinition> audiences = new LinkedHashMap<>();
    for (Path file : yamlFiles("audiences")) {
      loadAudience(file, patternIds, audienceIds).ifPresent(a -> addUnique(audiences, "audience",
          a.id(), a.file(), a, AudienceDefinition::file));
    }
    Map<String, SuppressionDefinition> suppressions = new LinkedHashMap<>();
    for (Path file : yamlFiles("suppressions")) {
      loadSuppression(file, audienceIds).ifPresent(s -> addUnique(suppressions,
          "suppression", s.id(), s.file(), s, SuppressionDefinition::file));
    }
    // A category a cap names is as deliberate as one a suppression names; the warning is for typos.
    Set<String> knownCategories = Stream.concat(
        suppressions.values().stream().flatMap(s -> s.categories().stream()),
        decisionSettings.categoryCaps().keySet().stream()).collect(Collectors.toSet());
    Map<String, ActionDefinition> actions = new LinkedHashMap<>();
    for (Path file : yamlFiles("actions")) {
      loadAction(file, audienceIds, knownCategories).ifPresent(a -> addUnique(actions, "action",
          a.id(), a.file(), a, ActionDefinition::file));
    }
    checkAudienceRefs(audiences, audienceIds);
    if (settings.isPresent() && settings.get().engine() == JobSettings.Engine.FLINK_CEP) {
      problems.addAll(defaultEngineOnly);
    }
    if (!actions.isEmpty() && settings.isPresent() && settings.get().topics().decisions() == null) {
      problems.add(new ConfigProblem(display(jobDir.resolve("job.yaml")), topicsLine,
          "kafka.topics has no 'decisions' topic, and the job has actions (" + actions.size()
              + " under actions/) whose decisions go there; add e.g. 'decisions: cjo.decisions'"));
    }
    if (!problems.isEmpty() || settings.isEmpty()) {
      problems.sort(null);
      throw new InvalidJobException(problems);
    }
    warnings.sort(null);
    return new JobDefinition(settings.get(), List.copyOf(patterns.values()),
        List.copyOf(audiences.values()), List.copyOf(suppressions.values()),
        catalog.orElse(null), List.copyOf(actions.values()), decisionSettings, warnings);
  }

  /**
   * The catalog is optional. When it has problems they are reported and conditions are checked
   * without it, so each mistake in it is reported once, not again by every condition.
   */
  private Optional<EventCatalog> loadCatalog(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return EventCatalogLoader.load(file, display(file), problems);
  }

  private <T> void addUnique(Map<String, T> byId, String kind, String id, String file,
      T definition, Function<T, String> fileOf) {
    T first = byId.putIfAbsent(id, definition);
    if (first != null) {
      problems.add(new ConfigProblem(file, 1, "duplicate " + kind + " id '" + id
          + "': also used by " + fileOf.apply(first) + "; give each " + kind + " its own id"));
    }
  }

  private List<Path> yamlFiles(String folder) {
    Path dir = jobDir.resolve(folder);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".yaml")
              || f.getFileName().toString().endsWith(".yml"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (IOException e) {
      problems.add(new ConfigProblem(display(dir), 1, "cannot list folder: " + e.getMessage()));
      return List.of();
    }
  }

  private String display(Path file) {
    return file.toString();
  }

  private Optional<JobSettings> loadSettings(Path file) {
    if (!Files.isRegularFile(file)) {
      problems.add(new ConfigProblem(display(file), 1,
          "job.yaml not found; every job folder needs one with name, kafka and time"));
      return Optional.empty();
    }
    Optional<YamlMapping> parsed =
        YamlMapping.parseFile(file, display(file), "job.yaml", problems);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    YamlMapping job = parsed.get();
    job.allowOnly(JOB_KEYS);
    job.mapping("decisions", false, "decisions")
        .ifPresent(d -> decisionSettings = decisionSettings(d));
    Optional<String> name = job.name("name", true, ID_REGEX, ID_RULE, "telecom-demo");

    Optional<YamlMapping> kafka = job.mapping("kafka", true, "kafka");
    Optional<String> servers = Optional.empty();
    Optional<JobSettings.Topics> topics = Optional.empty();
    KafkaClientProperties clientProperties = KafkaClientProperties.none(display(file));
    if (kafka.isPresent()) {
      kafka.get().allowOnly(KAFKA_KEYS);
      servers = kafka.get().string("bootstrapServers", true, "localhost:9092");
      topics = kafka.get().mapping("topics", true, "kafka.topics").flatMap(this::topics);
      clientProperties = new KafkaClientProperties(display(file),
          clientProperties(kafka.get(), "properties"),
          clientProperties(kafka.get(), "consumerProperties"),
          clientProperties(kafka.get(), "producerProperties"));
    }

    Optional<YamlMapping> time = job.mapping("time", true, "time");
    Optional<Duration> outOfOrder = Optional.empty();
    Optional<Duration> idle = Optional.empty();
    Duration futureSkew = Duration.ofHours(1);
    if (time.isPresent()) {
      time.get().allowOnly(TIME_KEYS);
      outOfOrder = time.get().duration("maxOutOfOrderness", true, "30s");
      idle = time.get().duration("idleTimeout", true, "1m");
      futureSkew = time.get().duration("maxFutureSkew", false, "1h").orElse(futureSkew);
    }

    String format = "avro";
    SchemaRegistrySettings schemaRegistry = null;
    Optional<YamlMapping> input = job.mapping("input", false, "input");
    if (input.isPresent()) {
      input.get().allowOnly(INPUT_KEYS);
      format = input.get().choice("format", List.of("avro", "json", "registry-avro"), "avro").get();
      schemaRegistry = schemaRegistry(input.get(), format, display(file)).orElse(null);
    }
    Duration dedupWindow = Duration.ofMinutes(10);
    Optional<YamlMapping> dedup = job.mapping("dedup", false, "dedup");
    if (dedup.isPresent()) {
      dedup.get().allowOnly(DEDUP_KEYS);
      dedupWindow = dedup.get().duration("window", false, "10m").orElse(dedupWindow);
    }
    String delivery =
        job.choice("delivery", List.of("exactly-once", "at-least-once"), "exactly-once").get();
    String engine = job.choice("engine", List.of("journey", "flink-cep"), "journey").get();

    if (name.isEmpty() || servers.isEmpty() || topics.isEmpty() || outOfOrder.isEmpty()
        || idle.isEmpty() || (format.equals("registry-avro") && schemaRegistry == null)) {
      return Optional.empty();
    }
    return Optional.of(new JobSettings(name.get(), servers.get(), clientProperties, topics.get(),
        outOfOrder.get(), idle.get(), futureSkew, dedupWindow,
        JobSettings.InputFormat.valueOf(format.toUpperCase().replace('-', '_')), schemaRegistry,
        JobSettings.Delivery.valueOf(delivery.toUpperCase().replace('-', '_')),
        JobSettings.Engine.valueOf(engine.toUpperCase().replace('-', '_'))));
  }

  /**
   * {@code input.schemaRegistry}: required with format registry-avro, refused with the others
   * (it would be silently ignored). Empty after reporting when absent or wrong.
   */
  private Optional<SchemaRegistrySettings> schemaRegistry(YamlMapping input, String format,
      String file) {
    boolean wanted = format.equals("registry-avro");
    if (!input.has("schemaRegistry")) {
      if (wanted) {
        input.report(input.lineOf("format"), "format registry-avro reads writer schemas from a"
            + " schema registry: add 'schemaRegistry:' to input with at least 'url:', e.g."
            + " http://schema-registry:8081 (Confluent) or http://apicurio:8080/apis/ccompat/v7"
            + " (Apicurio)");
      }
      return Optional.empty();
    }
    if (!wanted) {
      int line = input.mapping("schemaRegistry", false, "input.schemaRegistry")
          .map(YamlMapping::line).orElse(input.lineOf("schemaRegistry"));
      input.report(line, "input.schemaRegistry is read only with"
          + " 'format: registry-avro' (format is " + format + "); set that format or remove"
          + " schemaRegistry");
      return Optional.empty();
    }
    Optional<YamlMapping> registry =
        input.mapping("schemaRegistry", true, "input.schemaRegistry");
    if (registry.isEmpty()) {
      return Optional.empty();
    }
    YamlMapping r = registry.get();
    r.allowOnly(SCHEMA_REGISTRY_KEYS);
    Optional<URI> url = r.string("url", true, "http://schema-registry:8081")
        .flatMap(text -> registryUrl(r, text));
    SchemaRegistrySettings.BasicAuth basicAuth = null;
    Optional<YamlMapping> auth = r.mapping("basicAuth", false, "input.schemaRegistry.basicAuth");
    if (auth.isPresent()) {
      auth.get().allowOnly(BASIC_AUTH_KEYS);
      Optional<String> username = secretValue(auth.get(), "username", "journey-orchestrator");
      Optional<String> password = secretValue(auth.get(), "password", "${REGISTRY_PASSWORD}");
      if (username.isEmpty() || password.isEmpty()) {
        return Optional.empty();
      }
      basicAuth = new SchemaRegistrySettings.BasicAuth(username.get(), password.get(),
          auth.get().line());
    }
    int cacheSize = r.integer("cacheSize", 1, 1_000_000, SchemaRegistrySettings.DEFAULT_CACHE_SIZE);
    Duration timeout = r.duration("requestTimeout", false, "5s")
        .orElse(SchemaRegistrySettings.DEFAULT_REQUEST_TIMEOUT);
    if (timeout.compareTo(MAX_REGISTRY_TIMEOUT) > 0) {
      // The source's thread waits for the registry: a long wait stalls checkpoints with it.
      r.report(r.lineOf("requestTimeout"), "'requestTimeout' may be at most 1m: a lookup holds"
          + " the source's thread, and checkpoints wait for it; e.g. 5s");
    }
    int retries = r.integer("retries", 0, 10, SchemaRegistrySettings.DEFAULT_RETRIES);
    SchemaRegistrySettings.BasicAuth credentials = basicAuth;
    return url.map(u -> new SchemaRegistrySettings(file, u, credentials, cacheSize, timeout,
        retries));
  }

  /** A value that may reference a secret: {@code ${ENV_VAR}} or {@code ${file:/path}}. */
  private static Optional<String> secretValue(YamlMapping mapping, String key, String example) {
    Optional<String> value = mapping.string(key, true, example);
    Optional<String> badReference = value.flatMap(SecretReferences::syntaxProblem);
    if (badReference.isPresent()) {
      mapping.report(mapping.lineOf(key), "'" + key + "' in input.schemaRegistry.basicAuth: "
          + badReference.get());
      return Optional.empty();
    }
    return value;
  }

  /**
   * An http(s) base address without credentials, query or fragment. A URL with credentials is
   * refused without echoing it: it would put the password in job.yaml and in every log line.
   */
  private static Optional<URI> registryUrl(YamlMapping registry, String text) {
    int line = registry.lineOf("url");
    String rule = "write the registry's base address with http:// or https://, e.g."
        + " http://schema-registry:8081 (Confluent) or http://apicurio:8080/apis/ccompat/v7"
        + " (Apicurio's Confluent-compatible API)";
    URI url;
    try {
      url = new URI(text);
    } catch (java.net.URISyntaxException e) {
      registry.report(line, "'url' is not a valid address (" + e.getReason() + "); " + rule);
      return Optional.empty();
    }
    if (url.getRawUserInfo() != null) {
      registry.report(line, "'url' holds credentials; remove them and write them as basicAuth"
          + " (username, password), where the password can be ${ENV_VAR} or ${file:/path}");
      return Optional.empty();
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())
        || url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null) {
      registry.report(line, "'url' is '" + text + "'; " + rule);
      return Optional.empty();
    }
    return Optional.of(URI.create(text.replaceAll("/+$", "")));
  }

  /** A block of Kafka client properties: any name Kafka knows, except those the job sets. */
  private List<KafkaClientProperties.Property> clientProperties(YamlMapping kafka, String key) {
    Optional<YamlMapping> block = kafka.mapping(key, false, "kafka." + key);
    if (block.isEmpty()) {
      return List.of();
    }
    List<KafkaClientProperties.Property> properties = new ArrayList<>();
    for (String name : block.get().keys()) {
      Optional<Located<String>> value = block.get().rawScalar(name);
      if (value.isEmpty()) {
        continue;
      }
      int line = value.get().line();
      String owner = KafkaClientProperties.OWNED_BY_JOB.get(
          name.startsWith("config.providers.") ? "config.providers" : name);
      Optional<String> badReference = SecretReferences.syntaxProblem(value.get().value());
      if (owner != null) {
        block.get().report(line, "'" + name + "' in kafka." + key + " is set by the job: "
            + owner + "; remove it");
      } else if (badReference.isPresent()) {
        block.get().report(line, "'" + name + "' in kafka." + key + ": " + badReference.get());
      } else {
        properties.add(new KafkaClientProperties.Property(name, value.get().value(), line));
      }
    }
    return properties;
  }

  private Optional<JobSettings.Topics> topics(YamlMapping topics) {
    List<String> keys = TOPIC_KEYS;
    topics.allowOnly(keys);
    topicsLine = topics.line();
    int before = problems.size();
    List<String> names = keys.stream()
        .map(key -> topics.name(key, !OPTIONAL_TOPIC_KEYS.contains(key), "[a-zA-Z0-9._-]+",
            "Kafka topic names use letters, digits, '.', '_' and '-'", "cjo." + key)
            .orElse(null))
        .toList();
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new JobSettings.Topics(names.get(0), names.get(1), names.get(2),
        names.get(3), names.get(4), names.get(5), names.get(6), names.get(7)));
  }

  private Optional<PatternDefinition> loadPattern(Path file, Set<String> declaredIds) {
    String display = display(file);
    Optional<YamlMapping> parsed = YamlMapping.parseFile(file, display, "a pattern", problems);
    if (parsed.isEmpty()) {
      recoverId(file, declaredIds, unreadPatternFiles);
      return Optional.empty();
    }
    YamlMapping pattern = parsed.get();
    int before = problems.size();
    pattern.allowOnly(PATTERN_KEYS);
    Optional<String> id = pattern.name("id", true, ID_REGEX, ID_RULE, "calls-after-failed-payment");
    id.ifPresent(declaredIds::add);
    String description = pattern.string("description", false, "").orElse("");
    Optional<Duration> within = pattern.duration("within", false, "3h");
    String afterMatch = pattern.choice("afterMatch",
        List.of("skip-past-last-event", "no-skip"), "skip-past-last-event").get();

    List<YamlMapping> stepNodes = pattern.mappingList("steps", true, "a step");
    List<StepDefinition> steps = new ArrayList<>();
    // The node each step was read from: a group member's own, so messages point at its 'when'.
    List<YamlMapping> nodeOfStep = new ArrayList<>();
    Set<String> stepNames = new HashSet<>();
    boolean allLoaded = true;
    for (YamlMapping node : stepNodes) {
      List<YamlMapping> memberNodes = new ArrayList<>();
      Optional<List<StepDefinition>> loaded = node.has("anyOrder")
          ? loadGroup(node, steps.size(), memberNodes)
          : loadStep(node, steps.size()).map(step -> {
            memberNodes.add(node);
            return List.of(step);
          });
      if (loaded.isEmpty()) {
        allLoaded = false;
        continue;
      }
      for (int m = 0; m < loaded.get().size(); m++) {
        StepDefinition step = loaded.get().get(m);
        YamlMapping at = memberNodes.get(m);
        if (!stepNames.add(step.name())) {
          at.report(at.lineOf("name"), "duplicate step name '" + step.name()
              + "'; give each step of a pattern its own name");
        }
        steps.add(step);
        nodeOfStep.add(at);
      }
    }
    if (allLoaded && !steps.isEmpty()) {
      checkStepRules(pattern, steps, within.orElse(null));
      checkStepReferences(nodeOfStep, steps);
    }
    if (problems.size() > before || id.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PatternDefinition(id.get(), description, steps, within.orElse(null),
        AfterMatch.valueOf(afterMatch.toUpperCase().replace('-', '_')), display));
  }

  private Optional<StepDefinition> loadStep(YamlMapping step, int index) {
    int before = problems.size();
    step.allowOnly(STEP_KEYS);
    Optional<String> name = step.name("name", true, ID_REGEX, ID_RULE, "failed-payment");
    Optional<String> when = step.string("when", true, "event.type == \"payment.failed\"");
    when.ifPresent(condition -> checkCondition(step, "when", condition));
    boolean absent = step.bool("absent").orElse(false);
    Contiguity contiguity = Contiguity.valueOf(step.choice("contiguity",
        List.of("relaxed", "strict", "any"), "relaxed").get().toUpperCase());
    Times times = Times.ONCE;
    Optional<Located<String>> timesText = step.rawScalar("times");
    if (timesText.isPresent()) {
      Optional<Times> parsed = parseTimes(timesText.get().value());
      if (parsed.isEmpty()) {
        step.report(timesText.get().line(), "bad times '" + timesText.get().value()
            + "': write N (exactly N), \"N+\" (at least N) or \"N..M\" (between N and M),"
            + " with 1 <= N <= M, e.g. times: \"2+\"");
      } else {
        times = parsed.get();
      }
      if (absent) {
        step.report(timesText.get().line(), "an absent step takes no 'times': it says that no"
            + " matching event occurs; remove 'times' or 'absent'");
      }
    }
    if (absent && contiguity == Contiguity.ANY) {
      step.report(step.lineOf("contiguity"), "an absent step cannot use contiguity 'any';"
          + " use 'relaxed' (none in between) or 'strict' (not the very next event)");
    }
    Optional<Duration> within = step.duration("within", false, "3h");
    if (within.isPresent()) {
      String stepName = name.orElse("#" + (index + 1));
      if (absent) {
        step.report(step.lineOf("within"), "an absent step takes no 'within' of its own: the"
            + " pattern's 'within' says until when the absence is checked; move it there");
      } else if (index == 0 && times.isOnce()) {
        step.report(step.lineOf("within"), "the first step ('" + stepName + "') has no"
            + " previous step to count its 'within' from; put 'within' on the pattern, or give"
            + " the step 'times' to bound its repetitions");
      }
      defaultEngineOnly.add(new ConfigProblem(step.file(), step.lineOf("within"), "step '"
          + stepName + "' has its own 'within', which only the default pattern engine runs;"
          + " remove 'engine: flink-cep' from job.yaml, or the step's 'within'"));
    }
    if (problems.size() > before || name.isEmpty() || when.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new StepDefinition(name.get(), when.get(), times, absent, contiguity,
        within.orElse(null), step.line()));
  }

  /**
   * An {@code anyOrder} group: its members become steps of the pattern, each taken once and
   * marked with the group, in the order they are listed.
   */
  private Optional<List<StepDefinition>> loadGroup(YamlMapping node, int first,
      List<YamlMapping> memberNodes) {
    int before = problems.size();
    node.allowOnly(GROUP_KEYS);
    Contiguity contiguity = Contiguity.valueOf(node.choice("contiguity",
        List.of("relaxed", "strict", "any"), "relaxed").get().toUpperCase());
    List<YamlMapping> members = node.mappingList("anyOrder", true, "a member step");
    if (members.size() == 1) {
      node.report(node.line(), "an anyOrder group needs at least two members;"
          + " a single one is an ordinary step: write its name and when without 'anyOrder'");
    } else if (members.size() > MOST_GROUP_MEMBERS) {
      node.report(node.line(), "an anyOrder group has at most "
          + MOST_GROUP_MEMBERS + " members, this one has " + members.size() + " (the engine"
          + " follows every subset of them); split it, or join conditions with ||");
    }
    int atLeast = node.integer("atLeast", 1, Math.max(1, members.size()), members.size());
    List<String> names = new ArrayList<>();
    List<String> whens = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    for (YamlMapping member : members) {
      member.allowOnly(STEP_KEYS);
      Optional<String> name = member.name("name", true, ID_REGEX, ID_RULE, "visited-web");
      Optional<String> when = member.string("when", true, "event.type == \"web.visit\"");
      when.ifPresent(condition -> checkCondition(member, "when", condition));
      String memberName = name.orElse("#" + (names.size() + 1));
      if (member.has("times")) {
        member.report(member.lineOf("times"), "member '" + memberName + "' of an anyOrder"
            + " group takes one event; remove 'times' (to count, use a step of its own before"
            + " or after the group)");
      }
      if (member.has("absent")) {
        member.report(member.lineOf("absent"), "member '" + memberName + "' of an anyOrder"
            + " group cannot be absent; put an absent step before or after the group");
      }
      if (member.has("within")) {
        member.report(member.lineOf("within"), "member '" + memberName + "' of an anyOrder"
            + " group takes no 'within' of its own; the pattern's 'within' bounds the group");
      }
      if (member.has("contiguity")) {
        member.report(member.lineOf("contiguity"), "member '" + memberName + "' of an"
            + " anyOrder group takes no 'contiguity' of its own; set it on the group, next to"
            + " 'anyOrder'");
      }
      names.add(memberName);
      whens.add(when.orElse(""));
      lines.add(member.line());
      memberNodes.add(member);
    }
    Optional<String> groupName = node.name("name", false, ID_REGEX, ID_RULE, "tried-channels");
    defaultEngineOnly.add(new ConfigProblem(node.file(), node.line(), "anyOrder"
        + " group (" + String.join(", ", names) + ") runs only on the default pattern engine;"
        + " remove 'engine: flink-cep' from job.yaml, or write one pattern per order"));
    if (problems.size() > before) {
      return Optional.empty();
    }
    StepDefinition.AnyOrder group = new StepDefinition.AnyOrder(
        groupName.orElse(String.join("|", names)), first, members.size(), atLeast);
    List<StepDefinition> steps = new ArrayList<>();
    for (int m = 0; m < names.size(); m++) {
      steps.add(new StepDefinition(names.get(m), whens.get(m), Times.ONCE, false, contiguity,
          null, lines.get(m), group));
    }
    return Optional.of(steps);
  }

  static Optional<Times> parseTimes(String text) {
    Matcher m = TIMES.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    int min = Integer.parseInt(m.group(1));
    if (min < 1) {
      return Optional.empty();
    }
    if (m.group(2) == null) {
      return Optional.of(new Times(min, min));
    }
    if (m.group(2).equals("+")) {
      return Optional.of(new Times(min, null));
    }
    int max = Integer.parseInt(m.group(3));
    return max < min ? Optional.empty() : Optional.of(new Times(min, max));
  }

  /**
   * A step's {@code steps.<name>} must name an earlier step that takes an event: the partial
   * match the condition is judged for has taken that step's events, and no others.
   */
  private static void checkStepReferences(List<YamlMapping> nodes, List<StepDefinition> steps) {
    for (int i = 0; i < steps.size(); i++) {
      StepDefinition step = steps.get(i);
      Optional<Condition> condition = ConditionCompiler.compile(step.when()).condition();
      if (condition.isEmpty()) {
        continue;
      }
      // A group's members come in any order: the steps before the group are all a member has.
      int before = step.group() == null ? i : step.group().first();
      List<String> earlier = steps.subList(0, before).stream().filter(JobLoader::alwaysTakes)
          .map(StepDefinition::name).toList();
      String offer = before == 0 ? "the first step has no earlier step to refer to"
          : earlier.isEmpty() ? "no earlier step always takes an event to refer to"
          : "earlier steps that take an event: " + String.join(", ", earlier);
      YamlMapping node = nodes.get(i);
      for (String named : condition.get().stepsNamed()) {
        String problem = null;
        int at = indexOf(steps, named);
        StepDefinition.AnyOrder namedGroup = at < 0 ? null : steps.get(at).group();
        if (named.equals(step.name())) {
          problem = "refers to its own step; 'event' is the event this step is judged for";
        } else if (at < 0) {
          problem = "names no step of this pattern";
        } else if (step.group() != null && step.group().contains(at)) {
          problem = "names a member of its own anyOrder group, whose events come in any order";
        } else if (at > i) {
          problem = "names a later step, whose event is not known yet when '" + step.name()
              + "' is judged";
        } else if (steps.get(at).absent()) {
          problem = "names an absent step, which takes no event";
        } else if (namedGroup != null && !namedGroup.needsAll()) {
          problem = "names a member of anyOrder group '" + namedGroup.name() + "', which needs"
              + " only " + namedGroup.atLeast() + " of its " + namedGroup.size()
              + " members, so it may take no event";
        }
        if (problem != null) {
          String written = named.matches("[A-Za-z_][A-Za-z0-9_]*") ? "steps." + named
              : "steps[\"" + named + "\"]";
          node.report(node.lineOf("when"), "step '" + step.name() + "': '" + written + "' "
              + problem + "; " + offer);
        }
      }
    }
  }

  /** Whether every match holds an event of the step (not absent, not an optional member). */
  private static boolean alwaysTakes(StepDefinition step) {
    return !step.absent() && (step.group() == null || step.group().needsAll());
  }

  private static int indexOf(List<StepDefinition> steps, String name) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private void checkStepRules(YamlMapping pattern, List<StepDefinition> steps,
      Duration within) {
    boolean hasWithin = within != null;
    StepDefinition first = steps.get(0);
    StepDefinition last = steps.get(steps.size() - 1);
    if (first.absent()) {
      pattern.report(first.line(), "a pattern may not start with an absent step ('"
          + first.name() + "'): absence is only defined after something happened;"
          + " put a present step first");
    }
    for (int i = 1; i < steps.size(); i++) {
      if (steps.get(i).absent() && steps.get(i - 1).absent()) {
        pattern.report(steps.get(i).line(), "two absent steps in a row ('"
            + steps.get(i - 1).name() + "', '" + steps.get(i).name()
            + "'); merge them into one step whose 'when' joins both conditions with ||");
      }
    }
    for (StepDefinition step : steps) {
      if (hasWithin && step.within() != null && step.within().compareTo(within) >= 0) {
        pattern.report(step.line(), "step '" + step.name() + "' has 'within: "
            + Durations.format(step.within()) + "', not shorter than the pattern's 'within: "
            + Durations.format(within) + "', so it never limits anything; make it shorter"
            + " or remove it");
      }
    }
    if (!hasWithin && !boundedByStepWindows(steps)) {
      if (last.absent() && steps.size() > 1) {
        pattern.report(pattern.line(), "missing 'within': a pattern whose last step is absent"
            + " ('" + last.name() + "') needs 'within', the time after the first step until"
            + " which the absence is checked; add e.g. 'within: 7d'");
      } else if (!(steps.size() == 1 && first.times().isOnce())) {
        pattern.report(pattern.line(), "missing 'within': only a single step taken once, or"
            + " steps each with a 'within' of their own (every step after the first taken once),"
            + " may leave it out, otherwise partial matches would be kept forever;"
            + " add e.g. 'within: 3h'");
      }
    }
  }

  /**
   * Whether step windows alone end every partial match: each later step is taken once and waits
   * at most its own window after the previous step's event, and a repeated first step bounds its
   * repetitions. A repeated later step is not enough: the wait for its first occurrence is open.
   */
  private static boolean boundedByStepWindows(List<StepDefinition> steps) {
    if (steps.size() < 2 && steps.get(0).within() == null) {
      return false;
    }
    StepDefinition first = steps.get(0);
    if (!first.times().isOnce() && first.within() == null) {
      return false;
    }
    if (first.group() != null) {
      return false;
    }
    for (StepDefinition step : steps.subList(1, steps.size())) {
      if (step.absent() || !step.times().isOnce() || step.within() == null) {
        return false;
      }
    }
    return true;
  }

  private void checkCondition(YamlMapping at, String key, String condition) {
    checkCondition(at, key, condition, false);
  }

  /**
   * @param readsAudiences whether the condition is given {@code audiences}, the customer's
   *     memberships; the audiences it names are checked once every audience is loaded
   */
  private void checkCondition(YamlMapping at, String key, String condition,
      boolean readsAudiences) {
    CompileResult result = ConditionCompiler.compile(condition);
    result.condition().ifPresent(compiled -> {
      if (compiled.readsSteps() && readsAudiences) {
        at.report(at.lineOf(key), "condition in '" + key + "' reads 'steps', which only a"
            + " pattern step's 'when' is given (the events earlier steps of its partial match"
            + " took); test the event or the profile here instead");
      }
      if (compiled.readsAudiences() && !readsAudiences) {
        at.report(at.lineOf(key), "condition in '" + key + "' reads 'audiences', which only an"
            + " audience's enterWhen and an action's eligibleWhen are given (a step sees one"
            + " event, not memberships); move the test to enterWhen, or compose an audience"
            + " with 'while'");
      } else {
        compiled.audiencesNamed().forEach(named ->
            audienceRefs.add(new AudienceRef(at, at.lineOf(key), key, named)));
      }
    });
    for (ConditionError error : result.errors()) {
      if (error.isPlaced()) {
        YamlMapping.Place place = at.placeInValue(key, error.line(), error.column());
        at.report(place.line(), "condition in '" + key + "' is not valid CEL at column "
            + place.column() + ": " + error.message());
      } else {
        at.report(at.placeInValue(key, 1, 1).line(), "condition in '" + key
            + "' is not valid CEL: " + error.message());
      }
    }
    if (result.isValid() && declarations != null) {
      for (String problem : DeclaredEventsCheck.check(condition, declarations)) {
        at.report(at.lineOf(key), "condition in '" + key + "' does not fit " + EventCatalog.FILE
            + ": " + problem);
      }
    }
  }

  private Optional<AudienceDefinition> loadAudience(
      Path file, Set<String> patternIds, Set<String> declaredIds) {
    String display = display(file);
    Optional<YamlMapping> parsed = YamlMapping.parseFile(file, display, "an audience", problems);
    if (parsed.isEmpty()) {
      recoverId(file, declaredIds, unreadAudienceFiles);
      return Optional.empty();
    }
    YamlMapping audience = parsed.get();
    int before = problems.size();
    audience.allowOnly(AUDIENCE_KEYS);
    Optional<String> id = audience.name("id", true, ID_REGEX, ID_RULE, "payment-trouble");
    id.ifPresent(declaredIds::add);
    String description = audience.string("description", false, "").orElse("");
    Optional<Duration> memberFor = audience.duration("memberFor", false, "2d");
    if (audience.has("while")) {
      return composedAudience(audience, id, description, memberFor, before);
    }
    List<String> enter = patternRefs(audience, audience.requiredList("enter",
        "[calls-after-failed-payment]"), "enter", patternIds);
    Optional<String> enterWhen = audience.string("enterWhen", false, "profile.tier == \"gold\"");
    enterWhen.ifPresent(c -> checkCondition(audience, "enterWhen", c, true));
    List<String> exit = patternRefs(audience, audience.optionalList("exit",
        "[payment-succeeded]", "that no pattern exits the audience"), "exit", patternIds);
    for (String both : enter) {
      if (exit.contains(both)) {
        audience.report(audience.lineOf("exit"), "pattern '" + both + "' is in both 'enter' and"
            + " 'exit'; a match cannot do both: keep it in one of them");
      }
    }
    Optional<Duration> expireAfter = audience.duration("expireAfter", false, "7d");
    if (expireAfter.isPresent() && memberFor.isPresent()) {
      audience.report(audience.lineOf("memberFor"), "give 'memberFor' or 'expireAfter', not both:"
          + " for an audience entered by patterns they mean the same (a member until that long"
          + " after the latest entering match)");
    }
    Optional<Duration> cooldown = audience.duration("cooldown", false, "30d");
    AudienceDefinition.Outcomes outcomes = audience.mapping("outcomes", false, "outcomes")
        .map(o -> outcomes(o, patternIds)).orElse(AudienceDefinition.Outcomes.NONE);
    if (problems.size() > before || id.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new AudienceDefinition(id.get(), description, enter,
        enterWhen.orElse(null), exit, expireAfter.orElse(null), cooldown.orElse(null), outcomes,
        null, memberFor.orElse(null), display));
  }

  /** An audience of {@code while}: made of other audiences, which are checked once all are read. */
  private Optional<AudienceDefinition> composedAudience(YamlMapping audience, Optional<String> id,
      String description, Optional<Duration> memberFor, int before) {
    for (String key : PATTERN_AUDIENCE_KEYS) {
      if (audience.has(key)) {
        audience.report(audience.lineOf(key), "'" + key + "' is for audiences that patterns enter;"
            + " this one has 'while', so its members are those of the audiences it names"
            + (key.equals("expireAfter") ? ": to keep them for a while after, use 'memberFor'"
                : key.equals("enterWhen") ? ": test the profile in the audiences it names"
                : ": remove '" + key + "', or 'while'"));
      }
    }
    if (audience.has("outcomes")) {
      audience.report(audience.lineOf("outcomes"), "'outcomes' names the patterns that end a stay"
          + " entered by patterns; this audience has 'while': remove 'outcomes'");
    }
    Optional<YamlMapping> parsed = audience.mapping("while", true, "while");
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    YamlMapping composition = parsed.get();
    whileLines.put(audience.file(), composition.line());
    composition.allowOnly(COMPOSITION_KEYS);
    List<String> all = compositionRefs(composition, "all", "[recent-web, recent-ivr]");
    List<String> any = compositionRefs(composition, "any", "[recent-web, recent-app]");
    List<String> none = compositionRefs(composition, "none", "[open-support-case]");
    if (all.isEmpty() && any.isEmpty()) {
      composition.report(composition.line(), "'while' needs 'all' or 'any': with only 'none' a"
          + " customer the job has never seen would be a member; e.g. 'while: {all:"
          + " [recent-web, recent-ivr]}'");
    }
    for (String part : all) {
      if (none.contains(part) || any.contains(part)) {
        composition.report(composition.lineOf("all"), "audience '" + part + "' is in 'all' and in"
            + " '" + (none.contains(part) ? "none" : "any") + "'; name it once");
      }
    }
    for (String part : any) {
      if (none.contains(part)) {
        composition.report(composition.lineOf("any"), "audience '" + part + "' is in 'any' and in"
            + " 'none'; name it once");
      }
    }
    if (problems.size() > before || id.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(AudienceDefinition.composed(id.get(), description,
        new AudienceDefinition.Composition(all, any, none), memberFor.orElse(null),
        audience.file()));
  }

  private List<String> compositionRefs(YamlMapping composition, String key, String example) {
    List<String> refs = new ArrayList<>();
    for (Located<String> ref : composition.optionalList(key, example, "no audience")) {
      if (refs.contains(ref.value())) {
        composition.report(ref.line(), "'while." + key + "' names audience '" + ref.value()
            + "' twice");
      } else {
        refs.add(ref.value());
        audienceRefs.add(new AudienceRef(composition, ref.line(), "while." + key, ref.value()));
      }
    }
    return refs;
  }

  /**
   * Every audience a condition or a composition names exists, and no composition reaches back to
   * itself (its membership would depend on itself).
   */
  private void checkAudienceRefs(Map<String, AudienceDefinition> audiences,
      Set<String> audienceIds) {
    for (AudienceRef ref : audienceRefs) {
      if (!audienceIds.contains(ref.audienceId())) {
        ref.at().report(ref.line(), "'" + ref.key() + "' names unknown audience '"
            + ref.audienceId() + "'; known audiences: " + known(audienceIds)
            + unread(unreadAudienceFiles));
      }
    }
    Set<String> reported = new HashSet<>();
    for (AudienceDefinition audience : audiences.values()) {
      List<String> cycle = cycleFrom(audience.id(), audiences, new ArrayList<>());
      if (cycle != null && reported.add(String.join(" ", new TreeSet<>(cycle)))) {
        problems.add(new ConfigProblem(audience.file(), lineOfWhile(audience), "audience '"
            + audience.id() + "' is composed of itself: " + String.join(" → ", cycle)
            + "; an audience cannot depend on its own membership: remove one of these from"
            + " 'while'"));
      }
    }
  }

  private int lineOfWhile(AudienceDefinition audience) {
    return whileLines.getOrDefault(audience.file(), 1);
  }

  /** The path of compositions from {@code start} back to it, or null when there is none. */
  private static List<String> cycleFrom(String start, Map<String, AudienceDefinition> audiences,
      List<String> path) {
    String current = path.isEmpty() ? start : path.get(path.size() - 1);
    if (path.isEmpty()) {
      path.add(start);
    }
    AudienceDefinition audience = audiences.get(current);
    if (audience == null || !audience.isComposed()) {
      return null;
    }
    for (String part : audience.composition().parts()) {
      if (part.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        return cycle;
      }
      if (!path.contains(part)) {
        path.add(part);
        List<String> found = cycleFrom(start, audiences, path);
        if (found != null) {
          return found;
        }
        path.remove(path.size() - 1);
      }
    }
    return null;
  }

  private AudienceDefinition.Outcomes outcomes(YamlMapping outcomes, Set<String> patternIds) {
    outcomes.allowOnly(OUTCOMES_KEYS);
    List<String> completed = patternRefs(outcomes, outcomes.optionalList("completed",
        "[device-activated]", "that no pattern completes the journey"), "outcomes.completed",
        patternIds);
    List<String> leaked = patternRefs(outcomes, outcomes.optionalList("leaked",
        "[support-case-opened]", "that no pattern counts as leakage"), "outcomes.leaked",
        patternIds);
    if (!outcomes.has("completed") && !outcomes.has("leaked")) {
      outcomes.report(outcomes.line(), "'outcomes' names no patterns; give 'completed' and/or"
          + " 'leaked', e.g. 'completed: [device-activated]', or leave 'outcomes' out");
    }
    for (String both : completed) {
      if (leaked.contains(both)) {
        outcomes.report(outcomes.lineOf("leaked"), "pattern '" + both + "' is in both"
            + " 'completed' and 'leaked'; a stay cannot end both ways: keep it in one of them");
      }
    }
    return new AudienceDefinition.Outcomes(completed, leaked);
  }

  private List<String> patternRefs(YamlMapping at, List<Located<String>> listed, String key,
      Set<String> patternIds) {
    List<String> refs = new ArrayList<>();
    for (Located<String> ref : listed) {
      if (!patternIds.contains(ref.value())) {
        at.report(ref.line(), "'" + key + "' names unknown pattern '" + ref.value()
            + "'; known patterns: " + known(patternIds) + unread(unreadPatternFiles));
      } else if (refs.contains(ref.value())) {
        at.report(ref.line(), "'" + key + "' names pattern '" + ref.value() + "' twice");
      } else {
        refs.add(ref.value());
      }
    }
    return refs;
  }

  private static String known(Set<String> ids) {
    return ids.isEmpty() ? "(none)" : ids.stream().sorted().collect(Collectors.joining(", "));
  }

  /**
   * After a file failed to parse, the id it declares on a top-level {@code id:} line still counts
   * as known, so a reference to it is not reported again as unknown; a file without one is named
   * by messages about unknown ids instead.
   */
  private void recoverId(Path file, Set<String> declaredIds, List<String> filesWithoutId) {
    Optional<String> id = YamlMapping.topLevelValue(file, "id").filter(v -> v.matches(ID_REGEX));
    if (id.isPresent()) {
      declaredIds.add(id.get());
    } else {
      filesWithoutId.add(display(file));
    }
  }

  private static String unread(List<String> files) {
    return files.isEmpty() ? "" : "; " + String.join(", ", files)
        + " may define it but could not be read (see above)";
  }

  private Optional<SuppressionDefinition> loadSuppression(Path file, Set<String> audienceIds) {
    String display = display(file);
    Optional<YamlMapping> parsed =
        YamlMapping.parseFile(file, display, "a suppression", problems);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    YamlMapping policy = parsed.get();
    int before = problems.size();
    policy.allowOnly(SUPPRESSION_KEYS);
    Optional<String> id =
        policy.name("id", true, ID_REGEX, ID_RULE, "no-marketing-during-support");
    List<String> whileAudiences = new ArrayList<>();
    for (Located<String> ref : policy.requiredList("while", "[payment-trouble]")) {
      if (!audienceIds.contains(ref.value())) {
        policy.report(ref.line(), "'while' names unknown audience '" + ref.value()
            + "'; known audiences: " + known(audienceIds) + unread(unreadAudienceFiles));
      } else if (!whileAudiences.contains(ref.value())) {
        whileAudiences.add(ref.value());
      }
    }
    List<String> channelSymbols =
        Arrays.stream(Channel.values()).map(Enum::name).toList();
    List<String> channels = new ArrayList<>();
    for (Located<String> channel : policy.optionalList("channels", "[EMAIL, SMS]",
        "every channel")) {
      if (!channelSymbols.contains(channel.value())) {
        policy.report(channel.line(), "unknown channel '" + channel.value() + "'; use one of: "
            + String.join(", ", channelSymbols));
      } else if (!channels.contains(channel.value())) {
        channels.add(channel.value());
      }
    }
    List<String> categories = policy.optionalList("categories", "[marketing]", "every category")
        .stream().map(Located::value).distinct().toList();
    if (problems.size() > before || id.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new SuppressionDefinition(id.get(), whileAudiences, channels, categories, display));
  }

  /** {@code decisions} in job.yaml; each mistake reported, its default used in its place. */
  private DecisionSettings decisionSettings(YamlMapping d) {
    d.allowOnly(DECISIONS_KEYS);
    String sentEventType = d.string("sentEventType", false, DecisionSettings.DEFAULT_SENT_EVENT_TYPE)
        .orElse(DecisionSettings.DEFAULT_SENT_EVENT_TYPE);
    Map<String, ActionDefinition.Cap> channelCaps = new LinkedHashMap<>();
    Map<String, ActionDefinition.Cap> categoryCaps = new LinkedHashMap<>();
    Optional<YamlMapping> caps = d.mapping("caps", false, "decisions.caps");
    if (caps.isPresent()) {
      caps.get().allowOnly(GLOBAL_CAPS_KEYS);
      caps.get().mapping("channels", false, "decisions.caps.channels").ifPresent(channels -> {
        for (String channel : channels.keys()) {
          if (!channelSymbols().contains(channel)) {
            channels.report(channels.lineOf(channel), "unknown channel '" + channel
                + "' in decisions.caps.channels; use one of: " + String.join(", ", channelSymbols()));
            continue;
          }
          channels.mapping(channel, true, "a cap").flatMap(this::cap)
              .ifPresent(c -> channelCaps.put(channel, c));
        }
      });
      caps.get().mapping("categories", false, "decisions.caps.categories").ifPresent(cats -> {
        for (String category : cats.keys()) {
          cats.mapping(category, true, "a cap").flatMap(this::cap)
              .ifPresent(c -> categoryCaps.put(category, c));
        }
      });
    }
    DecisionSettings.QuietHours quietHours =
        d.mapping("quietHours", false, "decisions.quietHours").flatMap(this::quietHours)
            .orElse(null);
    double holdout = 0;
    String salt = "";
    Optional<YamlMapping> h = d.mapping("holdout", false, "decisions.holdout");
    if (h.isPresent()) {
      h.get().allowOnly(HOLDOUT_KEYS);
      holdout = holdoutPercent(h.get(), "percent").orElse(0.0);
      salt = h.get().string("salt", true, "telecom-2026").orElse("");
    }
    return new DecisionSettings(sentEventType, channelCaps, categoryCaps, quietHours, holdout,
        salt);
  }

  private static List<String> channelSymbols() {
    return Arrays.stream(Channel.values()).map(Enum::name).toList();
  }

  /** {@code {max: 2, per: 7d}}: at least one send per a window longer than 0. */
  private Optional<ActionDefinition.Cap> cap(YamlMapping cap) {
    cap.allowOnly(CAP_KEYS);
    Optional<String> maxText = cap.string("max", true, "2");
    Optional<Duration> per = cap.duration("per", true, "7d");
    if (maxText.isEmpty() || per.isEmpty()) {
      return Optional.empty();
    }
    int max;
    try {
      max = Integer.parseInt(maxText.get());
    } catch (NumberFormatException e) {
      max = 0;
    }
    if (max < 1) {
      cap.report(cap.lineOf("max"), "'max' is '" + maxText.get() + "': a cap allows a whole"
          + " number of at least 1 sends per window, e.g. 'max: 2'; to send nothing, leave the"
          + " action out");
      return Optional.empty();
    }
    return Optional.of(new ActionDefinition.Cap(max, per.get()));
  }

  private Optional<DecisionSettings.QuietHours> quietHours(YamlMapping q) {
    q.allowOnly(QUIET_HOURS_KEYS);
    Optional<java.time.LocalTime> from = localTime(q, "from", "21:00");
    Optional<java.time.LocalTime> to = localTime(q, "to", "08:00");
    Optional<java.time.ZoneId> zone = Optional.empty();
    Optional<String> zoneText = q.string("defaultTimeZone", true, "Europe/Berlin");
    if (zoneText.isPresent()) {
      try {
        zone = Optional.of(java.time.ZoneId.of(zoneText.get()));
      } catch (java.time.DateTimeException e) {
        q.report(q.lineOf("defaultTimeZone"), "'defaultTimeZone' is '" + zoneText.get()
            + "': not a time zone; write a region id, e.g. Europe/Berlin or America/New_York");
      }
    }
    if (from.isPresent() && to.isPresent() && from.get().equals(to.get())) {
      q.report(q.lineOf("to"), "quiet hours from " + from.get() + " to " + to.get()
          + " are empty; give 'to' another time, e.g. from 21:00 to 08:00");
      return Optional.empty();
    }
    if (from.isEmpty() || to.isEmpty() || zone.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DecisionSettings.QuietHours(from.get(), to.get(), zone.get()));
  }

  private Optional<java.time.LocalTime> localTime(YamlMapping at, String key, String example) {
    Optional<String> text = at.string(key, true, "\"" + example + "\"");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.time.LocalTime.parse(text.get()));
    } catch (java.time.format.DateTimeParseException e) {
      at.report(at.lineOf(key), "'" + key + "' is '" + text.get() + "': write a time of day as"
          + " HH:MM in quotes, e.g. \"" + example + "\"");
      return Optional.empty();
    }
  }

  /** {@code 10%} or {@code 10}: a share of customers from 0 to 50 %. */
  private Optional<Double> holdoutPercent(YamlMapping at, String key) {
    Optional<String> text = at.string(key, false, "10%");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String number = text.get().strip();
    number = number.endsWith("%") ? number.substring(0, number.length() - 1).strip() : number;
    try {
      double percent = Double.parseDouble(number);
      if (percent >= 0 && percent <= 50) {
        return Optional.of(percent);
      }
    } catch (NumberFormatException e) {
      // reported below, like a share out of range
    }
    at.report(at.lineOf(key), "'" + key + "' is '" + text.get() + "': a holdout is a share"
        + " from 0% to 50% of customers, e.g. '" + key + ": 10%'");
    return Optional.empty();
  }

  private Optional<ActionDefinition> loadAction(Path file, Set<String> audienceIds,
      Set<String> knownCategories) {
    String display = display(file);
    Optional<YamlMapping> parsed = YamlMapping.parseFile(file, display, "an action", problems);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    YamlMapping action = parsed.get();
    int before = problems.size();
    action.allowOnly(ACTION_KEYS);
    Optional<String> id = action.name("id", true, ID_REGEX, ID_RULE, "trade-in-offer-email");
    String description = action.string("description", false, "").orElse("");
    Optional<String> channel = action.string("channel", true, "EMAIL");
    if (channel.isPresent() && !channelSymbols().contains(channel.get())) {
      action.report(action.lineOf("channel"), "unknown channel '" + channel.get()
          + "'; use one of: " + String.join(", ", channelSymbols()));
    }
    Optional<String> category = action.string("category", true, "marketing");
    if (category.isPresent() && !knownCategories.contains(category.get())) {
      warnings.add(new ConfigProblem(display, action.lineOf("category"), "warning: category '"
          + category.get() + "' is in no suppression and has no category cap, so no suppression"
          + " ever holds this action back; known categories: " + known(knownCategories)));
    }
    List<String> eligibleWhile = new ArrayList<>();
    for (Located<String> ref : action.requiredList("eligibleWhile", "[trade-in-offer]")) {
      if (!audienceIds.contains(ref.value())) {
        action.report(ref.line(), "'eligibleWhile' names unknown audience '" + ref.value()
            + "'; known audiences: " + known(audienceIds) + unread(unreadAudienceFiles));
      } else if (!eligibleWhile.contains(ref.value())) {
        eligibleWhile.add(ref.value());
      }
    }
    Optional<String> eligibleWhen =
        action.string("eligibleWhen", false, "has(profile.emailOptIn) && profile.emailOptIn");
    eligibleWhen.ifPresent(c -> checkCondition(action, "eligibleWhen", c, true));
    Double priority = null;
    String priorityScore = null;
    Optional<String> priorityText = action.string("priority", true, "80");
    if (priorityText.isPresent()) {
      try {
        priority = Double.parseDouble(priorityText.get());
        if (!Double.isFinite(priority)) {
          action.report(action.lineOf("priority"), "'priority' is '" + priorityText.get()
              + "': write a finite number, e.g. 80");
        }
      } catch (NumberFormatException notANumber) {
        priorityScore = priorityText.get();
        for (ConditionError error : io.journeyorchestrator.condition.ScoreCompiler.check(
            priorityScore)) {
          action.report(action.lineOf("priority"), "'priority' is neither a number nor a valid"
              + " CEL score: " + error.message() + "; write a number, e.g. 80, or an expression"
              + " over profile that gives one, e.g. profile.churnRisk * 100");
        }
      }
    }
    List<ActionDefinition.Cap> caps = new ArrayList<>();
    if (action.has("caps")) {
      for (YamlMapping cap : action.mappingList("caps", false, "a cap")) {
        cap(cap).ifPresent(caps::add);
      }
    }
    Optional<Double> holdout = holdoutPercent(action, "holdout");
    if (problems.size() > before || id.isEmpty() || channel.isEmpty() || category.isEmpty()
        || priorityText.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ActionDefinition(id.get(), description, channel.get(), category.get(),
        eligibleWhile, eligibleWhen.orElse(null), priority, priorityScore, caps,
        holdout.orElse(null), display));
  }
}
