package io.journeyorchestrator.timeline;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.internal.avro.CustomerProfile;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.internal.avro.TimelineEntry;
import io.journeyorchestrator.keyed.ErasureRequests;
import io.journeyorchestrator.keyed.JobState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
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
 * <p>State: the {@link JobState#timelineDescriptor timeline} list (waiting events, appended on
 * arrival without a read, and the ids released within the dedup window; {@link TimelineRelease}
 * decides at each timer), and the profile (kept with a TTL, see {@link
 * JobState#profileDescriptor}; read only for events whose conditions can see it, {@link
 * ProfileReads}). Timers: one at each waiting event's time, and one when the last
 * released ids leave the dedup window, after which the list is cleared. State of earlier releases
 * (waiting events by timestamp, seen ids with their expiry buckets) is moved into the list when
 * restored: run this function in a {@link TimelineOperator}.
 */
public final class CustomerTimelineFunction
    extends KeyedProcessFunction<String, InteractionEvent, JourneyEvent>
    implements TimelineOperator.Owner {
  public static final String PROFILE_UPDATE_TYPE = "profile.updated";
  public static final String ERASURE_TYPE = "customer.erased";

  private final long profileRetentionMillis;
  private final long dedupWindowMillis;
  private final ProfileReads profileReads;
  private transient ListState<TimelineEntry> timeline;
  private transient ValueState<CustomerProfile> profile;
  private transient EarlierTimelineState earlierState;
  private transient Counter lateEvents;
  private transient Counter duplicatesDropped;
  private transient LongCounter duplicatesDroppedInRun;

  public CustomerTimelineFunction(long profileRetentionMillis, long dedupWindowMillis,
      ProfileReads profileReads) {
    this.profileRetentionMillis = profileRetentionMillis;
    this.dedupWindowMillis = dedupWindowMillis;
    this.profileReads = profileReads;
  }

  @Override
  public void open(OpenContext openContext) {
    timeline = getRuntimeContext().getListState(JobState.timelineDescriptor());
    profile = getRuntimeContext().getState(JobState.profileDescriptor(profileRetentionMillis));
    earlierState = new EarlierTimelineState(getRuntimeContext());
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
    timeline.add(new TimelineEntry(event.getEventId(), timestamp, event));
    ctx.timerService().registerEventTimeTimer(timestamp);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyEvent> out)
      throws Exception {
    TimelineRelease release = TimelineRelease.of(timeline.get(), timestamp,
        ctx.timerService().currentWatermark(), dedupWindowMillis);
    List<InteractionEvent> due = release.due;
    if (release.duplicates > 0) {
      duplicatesDropped.inc(release.duplicates);
      duplicatesDroppedInRun.add((long) release.duplicates);
    }
    if (release.changed) {
      if (release.remaining.isEmpty()) {
        timeline.clear();
      } else {
        timeline.update(release.remaining);
      }
    }
    // Unchanged entries already have their timer: registered when they last changed.
    if (release.changed && !release.waiting && release.latestReleased != Long.MIN_VALUE) {
      ctx.timerService().registerEventTimeTimer(forgetReleasedIdsAt(release.latestReleased));
    }
    if (!due.isEmpty()) {
      release(due, ctx, out);
    }
  }

  private void release(List<InteractionEvent> due, OnTimerContext ctx,
      Collector<JourneyEvent> out) throws Exception {
    Map<String, Object> facts = null;
    for (InteractionEvent event : due) {
      boolean update = PROFILE_UPDATE_TYPE.equals(event.getType());
      boolean erasure = ERASURE_TYPE.equals(event.getType());
      if (facts == null && (update || erasure || profileReads.needsProfile(event.getType()))) {
        CustomerProfile current = profile.value();
        facts = current == null ? Map.of() : current.getFacts();
      }
      if (update) {
        facts = ProfileMerge.apply(facts, event.getAttributes());
        profile.update(new CustomerProfile(facts));
      } else if (erasure) {
        facts = Map.of();
        profile.clear();
        ctx.output(JobState.ERASURES, ErasureRequests.of(event));
      }
      out.collect(new JourneyEvent(event, facts == null ? Map.of() : facts));
    }
  }

  /**
   * When ids released up to this time have all left the dedup window. Rounded up to a tenth of
   * the window (at least a second), so a customer active in a burst costs a few timers, not one
   * per event.
   */
  private long forgetReleasedIdsAt(long latestReleased) {
    long bucket = Math.max(1000, dedupWindowMillis / 10);
    long expiry = latestReleased + dedupWindowMillis;
    return (expiry / bucket + 1) * bucket;
  }

  @Override
  public void moveEarlierState() throws Exception {
    earlierState.moveInto(timeline);
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
