package io.journeyorchestrator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.JobSettings.Engine;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** {@code engine:} in job.yaml picks the operators that run the patterns. */
class PatternEnginesTest {
  private static List<String> operatorUids(Engine engine) throws Exception {
    JobDefinition demo = JobLoader.load(Path.of("jobs/telecom-demo"));
    JobDefinition job = new JobDefinition(demo.settings().withEngine(engine), demo.patterns(),
        demo.audiences(), demo.suppressions(), demo.catalog());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    new KafkaJourneyJob(job).attachTo(env);
    return env.getStreamGraph().getStreamNodes().stream()
        .map(StreamNode::getTransformationUID).filter(uid -> uid != null).toList();
  }

  @Test
  void shouldRunEveryPatternInTheJourneyEngine() throws Exception {
    assertThat(operatorUids(Engine.JOURNEY)).contains("customer-timeline")
        .doesNotContain("journey-engine").noneMatch(uid -> uid.startsWith("pattern/"));
  }

  @Test
  void shouldRunOneFlinkCepOperatorPerPatternAsTheReference() throws Exception {
    assertThat(operatorUids(Engine.FLINK_CEP)).doesNotContain("journey-engine")
        .filteredOn(uid -> uid.startsWith("pattern/")).hasSize(11);
  }
}
