package io.journeyorchestrator.job;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.pattern.CompiledPattern;
import io.journeyorchestrator.pattern.PatternRuntime;
import io.journeyorchestrator.timeline.CustomerTimelineFunction;
import java.time.Duration;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job graph, built once for every set of endpoints (Kafka, replay, tests): events keyed by
 * customer → customer timeline (order, lateness, profile) → patterns. Sources and sinks are not
 * its business: it takes a stream of events with timestamps and watermarks and returns streams.
 */
public final class JourneyTopology {
  /** Profiles of customers with no profile update for this long are dropped from state. */
  public static final Duration PROFILE_RETENTION = Duration.ofDays(400);

  private final JobDefinition job;
  private final PatternRuntime patternRuntime;

  public JourneyTopology(JobDefinition job, PatternRuntime patternRuntime) {
    this.job = job;
    this.patternRuntime = patternRuntime;
  }

  /** What the graph produces. */
  public record Outputs(DataStream<PatternMatch> matches, DataStream<InteractionEvent> lateEvents) {}

  /** @param events interaction events with event-time timestamps and watermarks assigned */
  public Outputs build(DataStream<InteractionEvent> events) {
    SingleOutputStreamOperator<JourneyEvent> timeline = events
        .keyBy(new EventCustomerKey())
        .process(new CustomerTimelineFunction(PROFILE_RETENTION.toMillis()))
        .returns(new AvroTypeInfo<>(JourneyEvent.class))
        .name("customer timeline")
        .uid("customer-timeline");

    DataStream<PatternMatch> matches = null;
    for (PatternDefinition definition : job.patterns()) {
      DataStream<PatternMatch> patternMatches =
          patternRuntime.matches(timeline, CompiledPattern.compile(definition));
      matches = matches == null ? patternMatches : matches.union(patternMatches);
    }
    if (matches == null) {
      matches = timeline
          .flatMap((JourneyEvent e, org.apache.flink.util.Collector<PatternMatch> out) -> { })
          .returns(new AvroTypeInfo<>(PatternMatch.class))
          .name("no patterns");
    }
    return new Outputs(matches, timeline.getSideOutput(JobState.LATE_EVENTS));
  }

  /** Partitions raw events by customer, the same way {@link CustomerKey} does for the timeline. */
  static final class EventCustomerKey implements KeySelector<InteractionEvent, String> {
    @Override
    public String getKey(InteractionEvent value) {
      return value.getCustomerId();
    }
  }
}
