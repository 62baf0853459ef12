package io.journeyorchestrator.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Resolves the secret references of job.yaml inside each Kafka client, when the client is created
 * on the JobManager or a TaskManager (see {@link KafkaClientProperties}). Registered twice, as
 * {@code env} and {@code file}; the parameter {@code source} says which.
 *
 * <p>Kafka's own providers do not fit: its {@code DirectoryConfigProvider} keeps a file's trailing
 * newline, which then becomes part of the password, and its {@code EnvVarConfigProvider} leaves
 * {@code ${env:NAME}} in place when NAME is not set, which fails later as a wrong password. This
 * one fails the client's creation with what is missing.
 */
public final class SecretConfigProvider implements ConfigProvider {
  static final String SOURCE = "source";

  private String source;

  @Override
  public void configure(Map<String, ?> configs) {
    source = String.valueOf(configs.get(SOURCE));
    if (!source.equals(SecretReferences.ENV) && !source.equals(SecretReferences.FILE)) {
      throw new ConfigException(SOURCE, source, "must be env or file");
    }
  }

  /** Nothing to list: every secret is asked for by name. */
  @Override
  public ConfigData get(String path) {
    return new ConfigData(Map.of());
  }

  @Override
  public ConfigData get(String path, Set<String> keys) {
    Map<String, String> data = new HashMap<>();
    for (String key : keys) {
      try {
        data.put(key, source.equals(SecretReferences.ENV)
            ? SecretReferences.env(key, System::getenv)
            : SecretReferences.file(key));
      } catch (SecretReferences.UnresolvedSecretException e) {
        throw new ConfigException("Kafka properties of job.yaml: " + e.getMessage());
      }
    }
    return new ConfigData(data);
  }

  @Override
  public void close() {}
}
