package io.journeyorchestrator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.matching.CompiledPattern;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's condition index: steps that hold per pattern, each distinct condition evaluated
 * once per event, and none evaluated for an event type it pins out.
 */
class StepConditionIndexTest {
  @TempDir Path dir;

  private List<CompiledPattern> patterns() throws Exception {
    Path job = JobFolder.in(dir.resolve("job"))
        .pattern("a-calls", """
            id: calls-after-failed-payment
            steps:
              - name: failed
                when: event.type == "payment.failed"
              - name: calls
                when: event.type == "call.inbound" && event.attributes.minutes > 2
                times: "2+"
            within: 3h
            """)
        .pattern("b-failed", """
            id: payment-failed
            steps:
              - name: failed
                when: event.type == "payment.failed"
            """)
        .pattern("c-any-web", """
            id: any-web
            steps:
              - name: web
                when: event.channel == "WEB"
            """)
        .path();
    return JobLoader.load(job).patterns().stream().map(CompiledPattern::compile).toList();
  }

  private static InteractionEvent event(String type, Channel channel, Map<String, Object> attributes) {
    return InteractionEvent.newBuilder().setEventId("e1").setCustomerId("alice")
        .setTimestamp(Instant.parse("2026-03-02T09:00:00Z")).setType(type).setChannel(channel)
        .setAttributes(attributes).build();
  }

  @Test
  void shouldSetTheBitsOfEveryStepWhoseConditionHolds() throws Exception {
    StepConditionIndex index = new StepConditionIndex(patterns());
    long[] holding = new long[3];

    assertThat(index.distinctConditions()).isEqualTo(3);
    assertThat(index.evaluate(event("payment.failed", Channel.WEB, Map.of()), Map.of(), holding,
        (p, s, e) -> { })).isTrue();
    assertThat(holding).containsExactly(0b01L, 0b1L, 0b1L);

    assertThat(index.evaluate(event("call.inbound", Channel.IVR, Map.of("minutes", 5L)),
        Map.of(), holding, (p, s, e) -> { })).isTrue();
    assertThat(holding).containsExactly(0b10L, 0L, 0L);

    assertThat(index.evaluate(event("page.view", Channel.APP, Map.of()), Map.of(), holding,
        (p, s, e) -> { })).isFalse();
    assertThat(holding).containsExactly(0L, 0L, 0L);
  }

  @Test
  void shouldEvaluateOnlyConditionsTheEventTypeCanSatisfy() throws Exception {
    StepConditionIndex index = new StepConditionIndex(patterns());
    List<String> errors = new ArrayList<>();

    // 'minutes' is missing: evaluating the calls condition would fail, but it pins call.inbound.
    index.evaluate(event("payment.failed", Channel.WEB, Map.of()), Map.of(), new long[3],
        (p, s, e) -> errors.add(p + "/" + s));
    assertThat(errors).isEmpty();

    index.evaluate(event("call.inbound", Channel.WEB, Map.of()), Map.of(), new long[3],
        (p, s, e) -> errors.add(p + "/" + s));
    assertThat(errors).containsExactly("0/1");
  }

  @Test
  void shouldEvaluateAConditionSharedByTwoPatternsOnceAndReportItsFailureToBoth()
      throws Exception {
    Path job = JobFolder.in(dir.resolve("shared"))
        .pattern("a", "id: a\nsteps:\n  - name: x\n    when: event.attributes.n > 1\n")
        .pattern("b", "id: b\nsteps:\n  - name: y\n    when: event.attributes.n > 1\n")
        .path();
    StepConditionIndex index = new StepConditionIndex(
        JobLoader.load(job).patterns().stream().map(CompiledPattern::compile).toList());
    List<ConditionEvaluationException> failures = new ArrayList<>();

    index.evaluate(event("x", Channel.WEB, Map.of()), Map.of(), new long[2],
        (p, s, e) -> failures.add(e));

    assertThat(index.distinctConditions()).isEqualTo(1);
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0)).as("one evaluation, reported to both").isSameAs(failures.get(1));
  }

  @Test
  void shouldWorkAfterJavaSerializationAsFlinkShipsIt() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new StepConditionIndex(patterns()));
    }
    StepConditionIndex copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (StepConditionIndex) in.readObject();
    }
    long[] holding = new long[3];
    copy.evaluate(event("payment.failed", Channel.WEB, Map.of()), Map.of(), holding,
        (p, s, e) -> { });
    assertThat(holding).containsExactly(0b01L, 0b1L, 0b1L);
  }
}
