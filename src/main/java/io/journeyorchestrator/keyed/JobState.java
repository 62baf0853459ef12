package io.journeyorchestrator.keyed;

import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.internal.avro.AudienceState;
import io.journeyorchestrator.internal.avro.CustomerProfile;
import io.journeyorchestrator.internal.avro.CustomerSuppressions;
import io.journeyorchestrator.internal.avro.DecisionState;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.Membership;
import io.journeyorchestrator.internal.avro.MembershipUpdate;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.internal.avro.SuppressionState;
import io.journeyorchestrator.internal.avro.TimelineEntry;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/**
 * Every state descriptor and output tag of the job, in one place. State names and types here are
 * part of the savepoint format: renaming one or changing its type makes old savepoints unusable
 * for that state. All types are Avro or Flink basic types, never Kryo.
 */
public final class JobState {
  public static final OutputTag<LateEvent> LATE_EVENTS =
      new OutputTag<>("late-events", new AvroTypeInfo<>(LateEvent.class));

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  /** Replay only: events after the replay's end instant, where time stops. */
  public static final OutputTag<InteractionEvent> AFTER_END =
      new OutputTag<>("after-end", new AvroTypeInfo<>(InteractionEvent.class));

  /**
   * Erasure requests, released by the customer timeline in event-time order, for the audience
   * operator (as a {@link DetectedMatch} of {@link #ERASURE_PATTERN_ID}; never published as a
   * match).
   */
  public static final OutputTag<DetectedMatch> ERASURES =
      new OutputTag<>("erasures", new AvroTypeInfo<>(DetectedMatch.class));

  /**
   * Why an operator built to trace did not do something (an entry ignored for cooldown, a match
   * withheld by an erasure), for explain.sh; operators not built to trace never emit to it.
   */
  public static final OutputTag<OutputLine> NOTES =
      new OutputTag<>("notes", new AvroTypeInfo<>(OutputLine.class));

  /** Matches as published, from the audience operator once no erasure withholds them. */
  public static final OutputTag<PatternMatch> PUBLISHED_MATCHES =
      new OutputTag<>("published-matches", new AvroTypeInfo<>(PatternMatch.class));

  /** Marks erasure requests among matches; ':' is not allowed in pattern ids. */
  public static final String ERASURE_PATTERN_ID = ":erasure";

  private JobState() {}

  /**
   * The customer timeline's waiting events and the ids it released within the dedup window, in
   * arrival order. A list so that an arriving event is appended without reading the state.
   */
  public static ListStateDescriptor<TimelineEntry> timelineDescriptor() {
    return new ListStateDescriptor<>("timeline", new AvroTypeInfo<>(TimelineEntry.class));
  }

  /**
   * Before the {@link #timelineDescriptor timeline} list: waiting events by timestamp. Restored
   * state is drained by the timers it came with; nothing new is written here.
   */
  public static MapStateDescriptor<Long, List<InteractionEvent>> pendingEventsDescriptor() {
    return new MapStateDescriptor<>("pending-events", Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(InteractionEvent.class)));
  }

  /** Before the timeline list, and only drained since: per event id seen, its event time. */
  public static MapStateDescriptor<String, Long> seenEventIdsDescriptor() {
    return new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.LONG);
  }

  /** Before the timeline list, and only drained since: per expiry bucket, ids to forget. */
  public static MapStateDescriptor<Long, List<String>> seenEventIdExpiriesDescriptor() {
    return new MapStateDescriptor<>("seen-event-id-expiries", Types.LONG,
        new ListTypeInfo<>(Types.STRING));
  }

  public static MapStateDescriptor<Long, List<DetectedMatch>> pendingMatchesDescriptor() {
    return new MapStateDescriptor<>("pending-matches", Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(DetectedMatch.class)));
  }

  /** The audience operator's state of one customer: memberships and cooldowns, one value. */
  public static ValueStateDescriptor<AudienceState> audienceStateDescriptor() {
    return new ValueStateDescriptor<>("audiences", new AvroTypeInfo<>(AudienceState.class));
  }

  /** Before the {@link #audienceStateDescriptor audiences} value: memberships by audience. */
  public static MapStateDescriptor<String, Membership> membershipsDescriptor() {
    return new MapStateDescriptor<>("memberships", Types.STRING,
        new AvroTypeInfo<>(Membership.class));
  }

  /** The audience operator's latest erasure instant, kept while a match could reach back to it. */
  public static ValueStateDescriptor<Long> erasedAtDescriptor() {
    return new ValueStateDescriptor<>("erased-at", Types.LONG);
  }

  /**
   * The id of the audience operator's latest erasure request: with {@link #erasedAtDescriptor},
   * its place in the timeline's order (time, then event id), so that a match started by an event
   * after the request at the same instant is a new journey, not erased.
   */
  public static ValueStateDescriptor<String> erasedEventIdDescriptor() {
    return new ValueStateDescriptor<>("erased-event-id", Types.STRING);
  }

  /**
   * Before the {@link #audienceStateDescriptor audiences} value: per audience, the instant its
   * cooldown ends.
   */
  public static MapStateDescriptor<String, Long> cooldownsDescriptor() {
    return new MapStateDescriptor<>("cooldowns", Types.STRING, Types.LONG);
  }

  /** Membership updates waiting for the watermark to reach their instant, by event time. */
  public static MapStateDescriptor<Long, List<MembershipUpdate>> pendingMembershipUpdatesDescriptor() {
    return new MapStateDescriptor<>("pending-membership-updates", Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(MembershipUpdate.class)));
  }

  /** The customer-state operator's membership updates waiting for their instant. */
  public static MapStateDescriptor<Long, List<MembershipUpdate>> pendingStateUpdatesDescriptor() {
    return new MapStateDescriptor<>("pending-state-updates", Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(MembershipUpdate.class)));
  }

  /** The customer-state operator's next best actions waiting for the watermark, by event time. */
  public static MapStateDescriptor<Long, List<NextBestAction>> pendingStateDecisionsDescriptor() {
    return new MapStateDescriptor<>("pending-state-decisions", Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(NextBestAction.class)));
  }

  /** The decisions operator's audience changes waiting for the watermark, by event time. */
  public static MapStateDescriptor<Long, List<MembershipUpdate>> pendingDecisionUpdatesDescriptor() {
    return new MapStateDescriptor<>("pending-decision-updates", Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(MembershipUpdate.class)));
  }

  /** The decisions operator's sent-message and profile events waiting for the watermark. */
  public static MapStateDescriptor<Long, List<InteractionEvent>> pendingDecisionEventsDescriptor() {
    return new MapStateDescriptor<>("pending-decision-events", Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(InteractionEvent.class)));
  }

  /** What one customer's next best action depends on (see DecisionState.avsc). */
  public static ValueStateDescriptor<DecisionState> decisionStateDescriptor() {
    return new ValueStateDescriptor<>("decision-state", new AvroTypeInfo<>(DecisionState.class));
  }

  /** The customer-state operator's current state of one customer, as last written out. */
  public static ValueStateDescriptor<CustomerState> customerStateDescriptor() {
    return new ValueStateDescriptor<>("customer-state", new AvroTypeInfo<>(CustomerState.class));
  }

  /**
   * The suppression operator's state of one customer: memberships of watched audiences and the
   * policies suppressing, one value.
   */
  public static ValueStateDescriptor<CustomerSuppressions> customerSuppressionsDescriptor() {
    return new ValueStateDescriptor<>("suppressions",
        new AvroTypeInfo<>(CustomerSuppressions.class));
  }

  /**
   * Before the {@link #customerSuppressionsDescriptor suppressions} value: per watched audience,
   * the customer's membership.
   */
  public static MapStateDescriptor<String, Membership> audienceHoldsDescriptor() {
    return new MapStateDescriptor<>("audience-holds", Types.STRING,
        new AvroTypeInfo<>(Membership.class));
  }

  /**
   * Before the {@link #customerSuppressionsDescriptor suppressions} value: per policy currently
   * suppressing the customer, what was last sent.
   */
  public static MapStateDescriptor<String, SuppressionState> suppressingDescriptor() {
    return new MapStateDescriptor<>("suppressing", Types.STRING,
        new AvroTypeInfo<>(SuppressionState.class));
  }

  /**
   * The customer profile. Flink TTL runs on processing time: a profile nobody updated for
   * the retention period is dropped, which bounds state for customers who went away.
   */
  public static ValueStateDescriptor<CustomerProfile> profileDescriptor(long retentionMillis) {
    ValueStateDescriptor<CustomerProfile> descriptor =
        new ValueStateDescriptor<>("profile", new AvroTypeInfo<>(CustomerProfile.class));
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(retentionMillis))
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .cleanupInRocksdbCompactFilter(1000)
        .build());
    return descriptor;
  }
}
