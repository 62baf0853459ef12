package io.journeyorchestrator.timeline;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.internal.avro.CustomerProfile;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.keyed.ErasureRequests;
import io.journeyorchestrator.keyed.EventTimeBuffer;
import io.journeyorchestrator.keyed.JobState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Puts each customer's events in event-time order and attaches the customer's profile as of each
 * event. Events wait in state until the watermark passes them, so the profile a condition sees
 * does not depend on arrival order. An event at or behind the watermark is late: it goes to the
 * late-events output and takes no part in matching. Events with equal timestamps are released in
 * event-id order, so replays and restarts see the same sequence. An event whose id this customer
 * already sent within the dedup window (event time) is a duplicate from an at-least-once producer:
 * it is dropped and counted, so it cannot count twice towards a {@code times} step.
 *
 * <p>An event of type {@value #ERASURE_TYPE} is the customer's erasure request: when it is
 * released the profile is forgotten (it and later events see an empty profile), and the request
 * goes to the {@link JobState#ERASURES} output so audiences forget the customer at that instant.
 *
 * <p>State: pending events (cleared as the watermark passes them), ids seen within the dedup
 * window (cleared by timers), and the profile (kept with a TTL, see {@link
 * JobState#profileDescriptor}).
 */
public final class CustomerTimelineFunction
    extends KeyedProcessFunction<String, InteractionEvent, JourneyEvent> {
  public static final String PROFILE_UPDATE_TYPE = "profile.updated";
  public static final String ERASURE_TYPE = "customer.erased";

  private static final Comparator<InteractionEvent> BY_EVENT_ID =
      Comparator.comparing(InteractionEvent::getEventId);

  private final long profileRetentionMillis;
  private final long dedupWindowMillis;
  private transient EventTimeBuffer<InteractionEvent> pending;
  private transient MapState<String, Long> seenIds;
  private transient EventTimeBuffer<String> seenIdExpiries;
  private transient ValueState<CustomerProfile> profile;
  private transient Counter lateEvents;
  private transient Counter duplicatesDropped;
  private transient LongCounter duplicatesDroppedInRun;

  public CustomerTimelineFunction(long profileRetentionMillis, long dedupWindowMillis) {
    this.profileRetentionMillis = profileRetentionMillis;
    this.dedupWindowMillis = dedupWindowMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    pending = new EventTimeBuffer<>(
        getRuntimeContext().getMapState(JobState.pendingEventsDescriptor()));
    seenIds = getRuntimeContext().getMapState(JobState.seenEventIdsDescriptor());
    seenIdExpiries = new EventTimeBuffer<>(
        getRuntimeContext().getMapState(JobState.seenEventIdExpiriesDescriptor()));
    profile = getRuntimeContext().getState(JobState.profileDescriptor(profileRetentionMillis));
    lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
    duplicatesDropped = getRuntimeContext().getMetricGroup().counter("duplicatesDropped");
    duplicatesDroppedInRun =
        getRuntimeContext().getLongCounter(RunDiagnostics.DUPLICATES_DROPPED);
  }

  @Override
  public void processElement(InteractionEvent event, Context ctx, Collector<JourneyEvent> out)
      throws Exception {
    long timestamp = event.getTimestamp().toEpochMilli();
    if (timestamp <= ctx.timerService().currentWatermark()) {
      lateEvents.inc();
      ctx.output(JobState.LATE_EVENTS, event);
      return;
    }
    Long seenAt = seenIds.get(event.getEventId());
    if (seenAt != null && Math.abs(timestamp - seenAt) < dedupWindowMillis) {
      duplicatesDropped.inc();
      duplicatesDroppedInRun.add(1);
      return;
    }
    seenIds.put(event.getEventId(), timestamp);
    seenIdExpiries.add(expiryBucket(timestamp), event.getEventId(), ctx.timerService());
    pending.add(timestamp, event, ctx.timerService());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyEvent> out)
      throws Exception {
    forgetExpiredIds(timestamp);
    List<InteractionEvent> due = pending.take(timestamp);
    if (due.isEmpty()) {
      return;
    }
    due.sort(BY_EVENT_ID);
    CustomerProfile current = profile.value();
    Map<String, Object> facts = current == null ? Map.of() : current.getFacts();
    for (InteractionEvent event : due) {
      if (PROFILE_UPDATE_TYPE.equals(event.getType())) {
        facts = ProfileMerge.apply(facts, event.getAttributes());
        profile.update(new CustomerProfile(facts));
      } else if (ERASURE_TYPE.equals(event.getType())) {
        facts = Map.of();
        profile.clear();
        ctx.output(JobState.ERASURES, ErasureRequests.of(event));
      }
      out.collect(new JourneyEvent(event, facts));
    }
  }

  /**
   * Ids are forgotten in buckets of a tenth of the window (at least a second), so an active
   * customer costs one timer per bucket instead of one per event; an id is kept at least the
   * window, at most a bucket longer.
   */
  private long expiryBucket(long timestamp) {
    long bucket = Math.max(1000, dedupWindowMillis / 10);
    long expiry = timestamp + dedupWindowMillis;
    return (expiry / bucket + 1) * bucket;
  }

  private void forgetExpiredIds(long now) throws Exception {
    for (String eventId : seenIdExpiries.take(now)) {
      Long seenAt = seenIds.get(eventId);
      if (seenAt != null && expiryBucket(seenAt) <= now) {
        seenIds.remove(eventId);
      }
    }
  }

  /** Merging of profile updates: a null value removes the fact. */
  static final class ProfileMerge {
    private ProfileMerge() {}

    static Map<String, Object> apply(Map<String, Object> facts, Map<String, Object> update) {
      Map<String, Object> merged = new HashMap<>(facts);
      for (Map.Entry<String, Object> entry : update.entrySet()) {
        if (entry.getValue() == null) {
          merged.remove(entry.getKey());
        } else {
          merged.put(entry.getKey(), entry.getValue());
        }
      }
      return merged;
    }
  }
}
