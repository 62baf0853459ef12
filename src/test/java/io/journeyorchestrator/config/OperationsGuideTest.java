package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job.yaml examples of the operations guide's Secured Kafka and Schema registry input
 * sections, and the README's registry example, load as written.
 */
class OperationsGuideTest {
  @TempDir Path dir;

  private static List<String> kafkaExamples() throws Exception {
    return examples("flink-conf/OPERATIONS.md", "## Secured Kafka");
  }

  private static List<String> examples(String file, String heading) throws Exception {
    String guide = Files.readString(Path.of(file));
    String section = guide.substring(guide.indexOf(heading));
    section = section.substring(0, section.indexOf("\n## ", 1));
    List<String> examples = new ArrayList<>();
    for (int start = section.indexOf("```yaml\n"); start >= 0;
        start = section.indexOf("```yaml\n", start + 1)) {
      int from = start + "```yaml\n".length();
      examples.add(section.substring(from, section.indexOf("```", from)));
    }
    return examples;
  }

  @Test
  void shouldShowKafkaBlocksThatLoad() throws Exception {
    List<String> examples = kafkaExamples();
    assertThat(examples).as("SASL/SCRAM and mTLS examples").hasSize(2);
    for (int i = 0; i < examples.size(); i++) {
      Path job = JobFolder.in(dir.resolve("example-" + i)).file("job.yaml", "name: example\n"
          + examples.get(i) + "time:\n  maxOutOfOrderness: 30s\n  idleTimeout: 1m\n").path();
      KafkaClientProperties properties = JobLoader.load(job).settings().kafkaClient();
      assertThat(properties.common()).as(examples.get(i)).isNotEmpty();
    }
  }

  @Test
  void shouldShowSchemaRegistryInputsThatLoad() throws Exception {
    List<String> examples = new ArrayList<>(
        examples("flink-conf/OPERATIONS.md", "## Schema registry input"));
    examples.addAll(examples("README.md", "**Schema-registry input.**"));
    assertThat(examples).hasSize(2);
    for (int i = 0; i < examples.size(); i++) {
      Path job = JobFolder.in(dir.resolve("registry-" + i))
          .file("job.yaml", JobFolder.JOB_YAML + examples.get(i)).path();
      assertThat(JobLoader.load(job).settings().schemaRegistry().basicAuth())
          .as(examples.get(i)).isNotNull();
    }
  }
}
