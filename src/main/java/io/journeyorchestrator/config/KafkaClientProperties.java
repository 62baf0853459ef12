package io.journeyorchestrator.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Kafka client properties of job.yaml: {@code kafka.properties} for every client, {@code
 * kafka.consumerProperties} only for consumers (the source, tail-topic), {@code
 * kafka.producerProperties} only for producers (the sinks). Values keep their secret references
 * ({@code ${ENV_VAR}}, {@code ${file:/path}}).
 *
 * <p>Secrets are resolved where each Kafka client is created, not when the job is loaded: the
 * source, the sinks and their enumerator get the references, in Kafka's config-provider syntax,
 * with {@link SecretConfigProvider} registered, so Kafka resolves them in the JobManager or
 * TaskManager that opens the connection. Resolved at load time, the secrets would travel in the
 * serialized job graph, be stored with it in the JobManager's blob store and HA storage, and be
 * shown to anyone who can read it. The price: the secrets must exist on the JobManager and every
 * TaskManager, and {@link #checkResolvable} tells only about the machine the job is started on.
 *
 * @param file where the properties were written, for problems found after loading
 */
public record KafkaClientProperties(String file, List<Property> common, List<Property> consumer,
    List<Property> producer) implements Serializable {

  /** One property as written: its value may hold secret references. */
  public record Property(String name, String value, int line) implements Serializable {}

  public static final String MASK = "******";
  private static final Pattern SECRET_NAME =
      Pattern.compile("password|secret|jaas|token|key", Pattern.CASE_INSENSITIVE);
  private static final String PROVIDERS = "config.providers";

  /** Properties the job sets itself, each with why; job.yaml may not set them. */
  static final Map<String, String> OWNED_BY_JOB = Map.ofEntries(
      Map.entry("bootstrap.servers", "write the brokers as kafka.bootstrapServers"),
      Map.entry("group.id", "the source commits its offsets as consumer group"
          + " journey-orchestrator-<name>, so the job resumes where it stopped"),
      Map.entry("key.deserializer", "the job reads raw bytes and decodes them itself"),
      Map.entry("value.deserializer", "the job reads raw bytes and decodes them itself"),
      Map.entry("key.serializer", "the job encodes its outputs itself"),
      Map.entry("value.serializer", "the job encodes its outputs itself"),
      Map.entry("isolation.level", "the job reads only committed events (read_committed), so an"
          + " aborted upstream transaction never becomes a decision"),
      Map.entry("transactional.id", "the sinks derive transactional ids from the job name;"
          + " exactly-once delivery depends on them"),
      Map.entry("enable.idempotence", "both delivery modes rely on idempotent producers"),
      Map.entry("enable.auto.commit", "the source commits offsets at checkpoints"),
      Map.entry("auto.offset.reset", "the source starts at the committed offsets, else at the"
          + " earliest"),
      Map.entry(PROVIDERS, "the job registers its own providers for ${ENV_VAR} and"
          + " ${file:/path}"));

  public KafkaClientProperties {
    common = List.copyOf(common);
    consumer = List.copyOf(consumer);
    producer = List.copyOf(producer);
  }

  public static KafkaClientProperties none(String file) {
    return new KafkaClientProperties(file, List.of(), List.of(), List.of());
  }

  /** For consumers: {@code properties} then {@code consumerProperties}, references unresolved. */
  public Map<String, String> forConsumer() {
    return forKafka(common, consumer);
  }

  /** For producers: {@code properties} then {@code producerProperties}, references unresolved. */
  public Map<String, String> forProducer() {
    return forKafka(common, producer);
  }

  /** For admin clients (start-up check, topic creation): {@code properties} only. */
  public Map<String, String> forAdmin() {
    return forKafka(common, List.of());
  }

  /**
   * The references in Kafka's syntax, and the providers that resolve them registered only when
   * there is one: a cluster that limits providers (system property {@code
   * org.apache.kafka.automatic.config.providers}) still runs jobs that reference no secret.
   */
  private static Map<String, String> forKafka(List<Property> first, List<Property> then) {
    Map<String, String> props = new LinkedHashMap<>();
    Stream.concat(first.stream(), then.stream()).forEach(p ->
        props.put(p.name(), SecretReferences.toKafkaSyntax(p.value())));
    if (Stream.concat(first.stream(), then.stream())
        .anyMatch(p -> SecretReferences.hasReference(p.value()))) {
      props.put(PROVIDERS, SecretReferences.ENV + "," + SecretReferences.FILE);
      for (String source : List.of(SecretReferences.ENV, SecretReferences.FILE)) {
        props.put(PROVIDERS + "." + source + ".class", SecretConfigProvider.class.getName());
        props.put(PROVIDERS + "." + source + ".param." + SecretConfigProvider.SOURCE, source);
      }
    }
    return props;
  }

  /** Fails, naming file and line, for each reference that cannot be resolved on this machine. */
  public void checkResolvable() throws InvalidJobException {
    checkResolvable(System::getenv);
  }

  /**
   * {@code properties} with their secrets, for a Kafka tool that runs in another JVM (without
   * {@link SecretConfigProvider}); whoever holds them must not log them.
   */
  public Map<String, String> resolvedForAdmin() throws InvalidJobException {
    return resolvedForAdmin(System::getenv);
  }

  Map<String, String> resolvedForAdmin(Function<String, String> environment)
      throws InvalidJobException {
    return resolve(common, environment);
  }

  void checkResolvable(Function<String, String> environment) throws InvalidJobException {
    resolve(Stream.of(common, consumer, producer).flatMap(List::stream).toList(), environment);
  }

  private Map<String, String> resolve(List<Property> properties,
      Function<String, String> environment) throws InvalidJobException {
    Map<String, String> resolved = new LinkedHashMap<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (Property property : properties) {
      try {
        resolved.put(property.name(), SecretReferences.resolve(property.value(), environment));
      } catch (SecretReferences.UnresolvedSecretException e) {
        problems.add(new ConfigProblem(file, property.line(),
            "Kafka property '" + property.name() + "': " + e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidJobException(problems);
    }
    return resolved;
  }

  /** Whether a property's value is hidden wherever the configuration is printed or logged. */
  public static boolean isSecret(String name) {
    return SECRET_NAME.matcher(name).find();
  }

  /** For logs: every block, with the values of secret-sounding properties masked. */
  @Override
  public String toString() {
    return "properties " + masked(common) + ", consumerProperties " + masked(consumer)
        + ", producerProperties " + masked(producer);
  }

  private static String masked(List<Property> properties) {
    return properties.stream()
        .map(p -> p.name() + "=" + (isSecret(p.name()) ? MASK : p.value()))
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
