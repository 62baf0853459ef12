package io.journeyorchestrator.job;

import io.journeyorchestrator.audience.AudienceMembershipFunction;
import io.journeyorchestrator.audience.AudienceRules;
import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.avro.SuppressionDecision;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.customerstate.CustomerStateFunction;
import io.journeyorchestrator.decisions.DecisionInputFilter;
import io.journeyorchestrator.decisions.NextBestActionFunction;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.EventCustomerKey;
import io.journeyorchestrator.keyed.HeapBufferOperator;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.MatchCustomerKey;
import io.journeyorchestrator.keyed.StateInputCustomerKey;
import io.journeyorchestrator.keyed.UpdateCustomerKey;
import io.journeyorchestrator.matching.CompiledPattern;
import io.journeyorchestrator.matching.PatternRuntime;
import io.journeyorchestrator.suppression.SuppressionPolicyFunction;
import io.journeyorchestrator.timeline.UnusedEventFilter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Either;

/**
 * The job graph, built once for every set of endpoints (Kafka, replay, tests): events of types
 * nothing uses dropped, the rest keyed by customer → customer timeline (order, lateness, profile) →
 * patterns → audiences → suppressions, the customers' current state, and (when the job has
 * actions) their next best actions. Sources and sinks are not
 * its business: it takes a stream of events with timestamps and watermarks and returns streams.
 */
public final class JourneyTopology {
  /** The decisions operator, present while the job has actions. */
  static final String DECISIONS_UID = "next-best-action";
  private final JobDefinition job;
  private final PatternRuntime patternRuntime;
  private final String tracedCustomer;

  public JourneyTopology(JobDefinition job, PatternRuntime patternRuntime) {
    this(job, patternRuntime, null);
  }

  private JourneyTopology(JobDefinition job, PatternRuntime patternRuntime,
      String tracedCustomer) {
    this.job = job;
    this.patternRuntime = patternRuntime;
    this.tracedCustomer = tracedCustomer;
  }

  /** The same graph, whose audience operator also says why this customer's entries were ignored. */
  public JourneyTopology tracing(String customerId) {
    return new JourneyTopology(job, patternRuntime, customerId);
  }

  /** What the graph produces. */
  public record Outputs(
      DataStream<PatternMatch> matches,
      DataStream<AudienceChange> audienceChanges,
      DataStream<SuppressionDecision> suppressions,
      DataStream<CustomerState> customerStates,
      Optional<DataStream<NextBestAction>> decisions,
      DataStream<LateEvent> lateEvents,
      DataStream<OutputLine> notes) {}

  /** @param events interaction events with event-time timestamps and watermarks assigned */
  public Outputs build(DataStream<InteractionEvent> events) {
    List<CompiledPattern> patterns =
        job.patterns().stream().map(CompiledPattern::compile).toList();
    Optional<UnusedEventFilter> unused = UnusedEventFilter.forPatterns(patterns);
    DataStream<InteractionEvent> used = unused.isEmpty() ? events : events
        .filter(unused.get())
        .name("drop unused event types")
        .uid("unused-event-filter");
    PatternRuntime.Outputs matched =
        patternRuntime.run(used.keyBy(new EventCustomerKey()), job, patterns);
    // Every stream here is still partitioned by customer (keyed operators, forward edges), so
    // the audience and suppression operators need no exchange.
    DataStream<DetectedMatch> matchesAndErasures = matched.matchesAndErasures();
    SingleOutputStreamOperator<MembershipUpdate> memberships = DataStreamUtils
        .reinterpretAsKeyedStream(matchesAndErasures, new MatchCustomerKey())
        .transform("audience membership", new AvroTypeInfo<>(MembershipUpdate.class),
            new EarlierStateOperator<>(new AudienceMembershipFunction(
                new AudienceRules(job.audiences()), longestMatchSpan(), tracedCustomer)))
        .uid("audience-membership");
    DataStream<AudienceChange> audienceChanges = memberships
        .map(MembershipUpdate::getChange)
        .returns(new AvroTypeInfo<>(AudienceChange.class))
        .name("audience changes")
        .uid("audience-changes");
    DataStream<SuppressionDecision> suppressions = DataStreamUtils
        .reinterpretAsKeyedStream(memberships, new UpdateCustomerKey())
        .transform("suppression policies", new AvroTypeInfo<>(SuppressionDecision.class),
            new EarlierStateOperator<>(new SuppressionPolicyFunction(job.suppressions())))
        .uid("suppression-policies");
    Optional<DataStream<NextBestAction>> decisions = decisions(events, memberships);

    DataStream<PatternMatch> matches = memberships.getSideOutput(JobState.PUBLISHED_MATCHES);
    return new Outputs(matches, audienceChanges, suppressions,
        customerStates(memberships, decisions), decisions, matched.lateEvents(),
        memberships.getSideOutput(JobState.NOTES));
  }

  /**
   * Memberships and next best actions into each customer's current state. The decisions operator
   * is keyed by customer and runs at the same parallelism, so both streams are still partitioned
   * by customer and their union needs no exchange.
   */
  private DataStream<CustomerState> customerStates(DataStream<MembershipUpdate> memberships,
      Optional<DataStream<NextBestAction>> decisions) {
    EitherTypeInfo<MembershipUpdate, NextBestAction> inputType = new EitherTypeInfo<>(
        new AvroTypeInfo<>(MembershipUpdate.class), new AvroTypeInfo<>(NextBestAction.class));
    DataStream<Either<MembershipUpdate, NextBestAction>> inputs = memberships
        .map(update -> Either.<MembershipUpdate, NextBestAction>Left(update))
        .returns(inputType)
        .name("state: memberships")
        .uid("customer-state-memberships");
    if (decisions.isPresent()) {
      inputs = inputs.union(decisions.get()
          .map(decision -> Either.<MembershipUpdate, NextBestAction>Right(decision))
          .returns(inputType)
          .name("state: next best actions")
          .uid("customer-state-decisions"));
    }
    return DataStreamUtils
        .reinterpretAsKeyedStream(inputs, new StateInputCustomerKey())
        .transform("customer state", new AvroTypeInfo<>(CustomerState.class),
            new HeapBufferOperator<>(new CustomerStateFunction(
                job.audiences().stream().map(AudienceDefinition::id).collect(Collectors.toSet()),
                job.suppressions())))
        .uid("customer-state");
  }

  /**
   * Next best actions from the memberships and the events that move them (sends, profile
   * updates, erasures), which are taken before the unused-event filter: no pattern need use them.
   */
  private Optional<DataStream<NextBestAction>> decisions(DataStream<InteractionEvent> events,
      DataStream<MembershipUpdate> memberships) {
    if (job.actions().isEmpty()) {
      return Optional.empty();
    }
    DataStream<InteractionEvent> inputs = events
        .filter(new DecisionInputFilter(job.decisions()))
        .name("decision inputs")
        .uid("decision-input-filter");
    return Optional.of(DataStreamUtils
        .reinterpretAsKeyedStream(memberships, new UpdateCustomerKey())
        .connect(inputs.keyBy(new EventCustomerKey()))
        .process(new NextBestActionFunction(job.actions(), job.decisions(), job.suppressions()))
        .returns(new AvroTypeInfo<>(NextBestAction.class))
        .name("next best action")
        .uid(DECISIONS_UID));
  }

  /** How far back a match can reach: the longest {@code within} (single-event patterns: none). */
  private Duration longestMatchSpan() {
    return job.patterns().stream()
        .map(PatternDefinition::within)
        .filter(Objects::nonNull)
        .max(Duration::compareTo)
        .orElse(Duration.ZERO);
  }
}
