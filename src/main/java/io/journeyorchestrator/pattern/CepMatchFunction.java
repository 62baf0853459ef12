package io.journeyorchestrator.pattern;

import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.matching.MatchBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/** Turns a CEP match (events per step name) into one {@link DetectedMatch}. */
final class CepMatchFunction extends PatternProcessFunction<JourneyEvent, DetectedMatch> {
  private final String patternId;
  private final List<String> presentSteps;
  private final Duration absenceWindow;
  private transient Counter matches;

  CepMatchFunction(String patternId, List<String> presentSteps, Duration absenceWindow) {
    this.patternId = patternId;
    this.presentSteps = List.copyOf(presentSteps);
    this.absenceWindow = absenceWindow;
  }

  @Override
  public void open(OpenContext openContext) {
    matches = PatternMetrics.matches(getRuntimeContext(), patternId);
  }

  @Override
  public void processMatch(
      Map<String, List<JourneyEvent>> match, Context ctx, Collector<DetectedMatch> out) {
    List<JourneyEvent> events = new ArrayList<>();
    for (String step : presentSteps) {
      for (JourneyEvent event : match.getOrDefault(step, List.of())) {
        events.add(event);
      }
    }
    matches.inc();
    out.collect(MatchBuilder.build(patternId, events, absenceWindow));
  }
}
