package io.journeyorchestrator.engine;

import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.matching.CompiledPattern;
import io.journeyorchestrator.pattern.CepPatternBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;

/**
 * Flink CEP as the reference: the operator that {@code CEP.pattern(keyed, pattern).inEventTime()
 * .process(...)} builds (see {@code PatternStreamBuilder}), over the Pattern that the project's
 * {@link CepPatternBuilder} makes, in an operator test harness keyed by customer.
 */
final class CepReference implements AutoCloseable {
  private final KeyedOneInputStreamOperatorTestHarness<String, JourneyEvent, String> harness;

  CepReference(CompiledPattern pattern) throws Exception {
    Pattern<JourneyEvent, JourneyEvent> cep = CepPatternBuilder.build(pattern);
    List<String> steps = pattern.definition().steps().stream()
        .filter(s -> !s.absent()).map(StepDefinition::name).toList();
    CepOperator<JourneyEvent, String, String> operator = new CepOperator<>(
        new AvroSerializer<>(JourneyEvent.class), false, NFACompiler.compileFactory(cep, false),
        null, cep.getAfterMatchSkipStrategy(), new Describe(steps), null);
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        operator, e -> e.getEvent().getCustomerId(), Types.STRING);
    harness.open();
  }

  void event(JourneyEvent event) throws Exception {
    long timestamp = event.getEvent().getTimestamp().toEpochMilli();
    harness.processElement(new StreamRecord<>(event, timestamp));
  }

  void watermark(long timestamp) throws Exception {
    harness.processWatermark(timestamp);
  }

  /** Every match so far, in emission order, as {@link #describe} writes them. */
  List<String> matches() {
    return new ArrayList<>(harness.extractOutputValues());
  }

  @Override
  public void close() throws Exception {
    harness.close();
  }

  /** {@code customer: step=id,id step=id}, steps in pattern order. */
  static String describe(String customer, List<String> steps, Map<String, List<String>> ids) {
    StringBuilder text = new StringBuilder(customer).append(':');
    for (String step : steps) {
      List<String> stepIds = ids.get(step);
      if (stepIds != null && !stepIds.isEmpty()) {
        text.append(' ').append(step).append('=').append(String.join(",", stepIds));
      }
    }
    for (Map.Entry<String, List<String>> other : ids.entrySet()) {
      if (!steps.contains(other.getKey())) {
        text.append(" ?").append(other.getKey()).append('=').append(other.getValue());
      }
    }
    return text.toString();
  }

  private static final class Describe extends PatternProcessFunction<JourneyEvent, String> {
    private final List<String> steps;

    Describe(List<String> steps) {
      this.steps = steps;
    }

    @Override
    public void processMatch(Map<String, List<JourneyEvent>> match, Context ctx,
        Collector<String> out) {
      String customer = null;
      Map<String, List<String>> ids = new HashMap<>();
      for (Map.Entry<String, List<JourneyEvent>> step : match.entrySet()) {
        List<String> stepIds = new ArrayList<>();
        for (JourneyEvent event : step.getValue()) {
          stepIds.add(event.getEvent().getEventId());
          customer = event.getEvent().getCustomerId();
        }
        ids.put(step.getKey(), stepIds);
      }
      out.collect(describe(customer, steps, ids));
    }
  }
}
