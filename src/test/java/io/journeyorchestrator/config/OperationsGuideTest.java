package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job.yaml examples of the operations guide's Secured Kafka section load as written. */
class OperationsGuideTest {
  @TempDir Path dir;

  private static List<String> kafkaExamples() throws Exception {
    String guide = Files.readString(Path.of("flink-conf/OPERATIONS.md"));
    String section = guide.substring(guide.indexOf("## Secured Kafka"));
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
}
