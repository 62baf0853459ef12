package io.journeyorchestrator.pattern;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.keyed.CustomerKey;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.matching.CompiledPattern;
import io.journeyorchestrator.matching.PatternRuntime;
import io.journeyorchestrator.timeline.CustomerTimeline;
import io.journeyorchestrator.timeline.CustomerTimelineFunction;
import java.time.Duration;
import java.util.List;
import org.apache.flink.cep.CEP;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Flink CEP behind {@link PatternRuntime}: routes only relevant events to each pattern, filters
 * before any exchange (the timeline is already partitioned by customer, so no event is
 * serialized for a pattern that cannot use it), and runs single-event patterns without an NFA.
 */
public final class CepPatternRuntime implements PatternRuntime {
  private final boolean routeEvents;
  private final boolean probeConditions;

  public CepPatternRuntime() {
    this(true, false);
  }

  /** @param routeEvents false sends every event to every pattern (only to measure routing) */
  public CepPatternRuntime(boolean routeEvents) {
    this(routeEvents, false);
  }

  private CepPatternRuntime(boolean routeEvents, boolean probeConditions) {
    this.routeEvents = routeEvents;
    this.probeConditions = probeConditions;
  }

  /**
   * For replay: also reports the condition errors of CEP patterns per event, at the cost of
   * evaluating their conditions a second time (see {@link StepConditionProbe}).
   */
  public static CepPatternRuntime probingConditions() {
    return new CepPatternRuntime(true, true);
  }

  /**
   * The customer timeline as an operator of its own, then one operator per pattern (after its
   * route filter), their outputs united.
   */
  @Override
  public Outputs run(KeyedStream<InteractionEvent, String> events, JobDefinition job,
      List<CompiledPattern> patterns) {
    SingleOutputStreamOperator<JourneyEvent> timeline = events
        .transform("customer timeline", new AvroTypeInfo<>(JourneyEvent.class),
            new EarlierStateOperator<>(
                new CustomerTimelineFunction(CustomerTimeline.of(job, patterns))))
        .uid(CustomerTimeline.OPERATOR_UID);
    DataStream<DetectedMatch> all = null;
    for (CompiledPattern pattern : patterns) {
      DataStream<DetectedMatch> matches = matches(timeline, pattern);
      all = all == null ? matches : all.union(matches);
    }
    if (all == null) {
      all = timeline
          .flatMap((JourneyEvent e, Collector<DetectedMatch> out) -> { })
          .returns(new AvroTypeInfo<>(DetectedMatch.class))
          .name("no patterns");
    }
    return new Outputs(all.union(timeline.getSideOutput(JobState.ERASURES)),
        timeline.getSideOutput(JobState.LATE_EVENTS));
  }

  private DataStream<DetectedMatch> matches(
      DataStream<JourneyEvent> timeline, CompiledPattern pattern) {
    PatternDefinition definition = pattern.definition();
    DataStream<JourneyEvent> routed = timeline;
    if (routeEvents && pattern.routedEventTypes().isPresent()) {
      routed = timeline
          .filter(new EventRouteFilter(pattern.routedEventTypes().get()))
          .name("route " + pattern.id())
          .uid("route/" + pattern.id());
    }
    AvroTypeInfo<DetectedMatch> matchType = new AvroTypeInfo<>(DetectedMatch.class);
    if (definition.isSingleEvent()) {
      StepDefinition step = definition.steps().get(0);
      return routed
          .flatMap(new SingleEventMatchFunction(pattern.id(), step.name(), pattern.condition(0)))
          .returns(matchType)
          .name("pattern " + pattern.id())
          .uid(pattern.operatorUid());
    }
    if (probeConditions) {
      routed
          .flatMap(new StepConditionProbe(pattern))
          .returns(new AvroTypeInfo<>(JourneyEvent.class))
          .name("probe " + pattern.id())
          .uid("probe/" + pattern.id())
          .sinkTo(new DiscardingSink<>())
          .name("probe " + pattern.id() + " (no output)")
          .uid("probe-sink/" + pattern.id());
    }
    KeyedStream<JourneyEvent, String> keyed =
        DataStreamUtils.reinterpretAsKeyedStream(routed, new CustomerKey());
    List<String> presentSteps = definition.steps().stream()
        .filter(s -> !s.absent())
        .map(StepDefinition::name)
        .toList();
    Duration absenceWindow = definition.endsWithAbsence() ? definition.within() : null;
    return CEP.pattern(keyed, CepPatternBuilder.build(pattern))
        .inEventTime()
        .process(new CepMatchFunction(pattern.id(), presentSteps, absenceWindow), matchType)
        .name("pattern " + pattern.id())
        .uid(pattern.operatorUid());
  }
}
