package io.journeyorchestrator.config;

import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a job with {@code input.format: registry-avro} fetches the writer schemas named by the
 * ids in its records ({@code input.schemaRegistry} of job.yaml), and how long it may wait.
 *
 * <p>Like {@link KafkaClientProperties}, the basic-auth values keep their secret references
 * ({@code ${ENV_VAR}}, {@code ${file:/path}}) until {@link #authorization} resolves them in the
 * TaskManager that opens the connection, so no secret travels in the job graph. {@link #toString}
 * masks the password, since settings end up in logs.
 *
 * @param file where the settings were written, for problems found after loading
 * @param url the registry's base address: Confluent's root, or Apicurio's {@code
 *     /apis/ccompat/v7}; the writer schema of id N is at {@code <url>/schemas/ids/N}
 * @param basicAuth null without authentication
 * @param cacheSize writer schemas kept per source subtask; ids are immutable, so entries never
 *     go stale and the bound only caps memory
 * @param requestTimeout connecting and answering, for one request
 * @param retries further attempts after a failed one (unreachable, timeout, HTTP 5xx)
 */
public record SchemaRegistrySettings(String file, URI url, BasicAuth basicAuth, int cacheSize,
    Duration requestTimeout, int retries) implements Serializable {
  public static final int DEFAULT_CACHE_SIZE = 1000;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_RETRIES = 2;

  /** HTTP basic authentication as written; either value may hold secret references. */
  public record BasicAuth(String username, String password, int line) implements Serializable {
    @Override
    public String toString() {
      return "BasicAuth[username=" + username + ", password=" + KafkaClientProperties.MASK + "]";
    }
  }

  /** The value of an {@code Authorization} header, secrets read on this machine; empty without. */
  public Optional<String> authorization() throws InvalidJobException {
    return authorization(System::getenv);
  }

  /** Fails, naming file and line, when a secret reference cannot be resolved on this machine. */
  public void checkResolvable() throws InvalidJobException {
    authorization(System::getenv);
  }

  Optional<String> authorization(Function<String, String> environment)
      throws InvalidJobException {
    if (basicAuth == null) {
      return Optional.empty();
    }
    List<ConfigProblem> problems = new ArrayList<>();
    String username = resolve("username", basicAuth.username(), environment, problems);
    String password = resolve("password", basicAuth.password(), environment, problems);
    if (!problems.isEmpty()) {
      throw new InvalidJobException(problems);
    }
    String pair = username + ":" + password;
    return Optional.of("Basic "
        + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  private String resolve(String key, String value, Function<String, String> environment,
      List<ConfigProblem> problems) {
    try {
      return SecretReferences.resolve(value, environment);
    } catch (SecretReferences.UnresolvedSecretException e) {
      problems.add(new ConfigProblem(file, basicAuth.line(),
          "input.schemaRegistry.basicAuth." + key + ": " + e.getMessage()));
      return null;
    }
  }
}
