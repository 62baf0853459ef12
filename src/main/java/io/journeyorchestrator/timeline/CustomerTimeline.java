package io.journeyorchestrator.timeline;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.EventCatalog;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.internal.avro.CustomerProfile;
import io.journeyorchestrator.internal.avro.EngineState;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.internal.avro.TimelineEntry;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.ProfileUpdates;
import io.journeyorchestrator.matching.CompiledPattern;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;

/**
 * Puts each customer's events in event-time order and attaches the customer's profile as of each
 * event, for the keyed function that owns the timeline's state ({@link CustomerTimelineFunction}
 * before Flink CEP, the journey engine fused with it). Events wait in state until the watermark
 * passes them, so the profile a condition sees does not depend on arrival order. An event at or
 * behind the watermark is late: it takes no part in matching. Events with equal timestamps are
 * released in event-id order, so replays and restarts see the same sequence. An event whose id
 * this customer already sent within the dedup window (event time) is a duplicate from an
 * at-least-once producer: it is dropped and counted, so it cannot count twice towards a {@code
 * times} step.
 *
 * <p>An event of type {@value #ERASURE_TYPE} is the customer's erasure request: when it is
 * released the profile is forgotten (it and later events see an empty profile), and the owner
 * passes the request on so audiences forget the customer at that instant.
 *
 * <p>State: the {@link JobState#timelineDescriptor timeline} list (waiting events, appended on
 * arrival without a read; the ids released within the dedup window, {@link TimelineRelease}
 * decides at each release; and the state the owner keeps with them, so a release reads one
 * value), and the profile (kept with a TTL, see {@link JobState#profileDescriptor}; read only for
 * events whose conditions can see it, {@link ProfileReads}). The owner says where a customer's
 * timeline is while it is handled ({@link TimelineState}): in keyed state, with a timer at each
 * waiting event's time and, when no other timer of the customer is pending, one when the last
 * released ids leave the dedup window; or on the heap ({@link ActiveCustomers}). State of earlier
 * releases is moved into the list when restored (the owner runs in an {@link
 * io.journeyorchestrator.keyed.EarlierStateOperator}).
 */
public final class CustomerTimeline implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String PROFILE_UPDATE_TYPE = EventCatalog.PROFILE_UPDATE_TYPE;
  public static final String ERASURE_TYPE = EventCatalog.ERASURE_TYPE;
  /** The uid of the operator that owns the timeline's state, whichever engine runs with it. */
  public static final String OPERATOR_UID = "customer-timeline";
  /** Profiles of customers with no profile update for this long are dropped from state. */
  public static final Duration PROFILE_RETENTION = ProfileUpdates.RETENTION;

  private final long profileRetentionMillis;
  private final long dedupWindowMillis;
  private final ProfileReads profileReads;
  private transient ListState<TimelineEntry> timeline;
  private transient ValueState<CustomerProfile> profile;
  private transient EarlierTimelineState earlierState;
  private transient TimelineState keyedState;
  private transient Counter lateEvents;
  private transient Counter duplicatesDropped;
  private transient LongCounter duplicatesDroppedInRun;

  public CustomerTimeline(long profileRetentionMillis, long dedupWindowMillis,
      ProfileReads profileReads) {
    this.profileRetentionMillis = profileRetentionMillis;
    this.dedupWindowMillis = dedupWindowMillis;
    this.profileReads = profileReads;
  }

  /** The timeline of a job: its dedup window, and profile reads for its patterns and audiences. */
  public static CustomerTimeline of(JobDefinition job, List<CompiledPattern> patterns) {
    return new CustomerTimeline(PROFILE_RETENTION.toMillis(),
        job.settings().dedupWindow().toMillis(), ProfileReads.of(patterns, job.audiences()));
  }

  public void open(RuntimeContext context) {
    timeline = context.getListState(JobState.timelineDescriptor());
    profile = context.getState(JobState.profileDescriptor(profileRetentionMillis));
    earlierState = new EarlierTimelineState(context);
    keyedState = new KeyedTimelineState();
    lateEvents = context.getMetricGroup().counter("lateEvents");
    duplicatesDropped = context.getMetricGroup().counter("duplicatesDropped");
    duplicatesDroppedInRun = context.getLongCounter(RunDiagnostics.DUPLICATES_DROPPED);
  }

  /**
   * Appends an arriving event, with a timer at its time; or counts it as late.
   *
   * @return false if the event is late (at or behind the watermark): the owner sends it to the
   *     late-events output
   */
  public boolean arrive(TimelineState state, InteractionEvent event, TimerService timers)
      throws Exception {
    long timestamp = event.getTimestamp().toEpochMilli();
    if (timestamp <= timers.currentWatermark()) {
      lateEvents.inc();
      return false;
    }
    state.append(new TimelineEntry(event.getEventId(), timestamp, event, null), timers);
    return true;
  }

  /** The current customer's timeline in Flink's keyed state, read and written at each access. */
  public TimelineState keyedState() {
    return keyedState;
  }

  /** The heap of recently active customers over this timeline's keyed state. */
  public ActiveCustomers activeCustomers(int capacity, ActiveCustomers.KeySwitch keys,
      MetricGroup metrics) {
    return new ActiveCustomers(timeline, profile, capacity, keys, metrics);
  }

  /**
   * Reads the customer's list, once, and decides the release at a timer.
   *
   * @param firing the timer's time
   * @param releaseUpTo events at or before this time are due: the timer's time, or the watermark
   *     to release at once everything the watermark passed (the timers of the other events
   *     released are then deleted when the release is stored)
   */
  public Release release(TimelineState state, long firing, long releaseUpTo, long watermark)
      throws Exception {
    EngineState carried = null;
    List<TimelineEntry> entries = new ArrayList<>();
    for (TimelineEntry entry : state.entries()) {
      if (entry.getEngine() != null) {
        carried = entry.getEngine();
      } else {
        entries.add(entry);
      }
    }
    Release release = new Release(state, firing, carried,
        TimelineRelease.of(entries, releaseUpTo, watermark, dedupWindowMillis));
    if (release.decided.duplicates > 0) {
      duplicatesDropped.inc(release.decided.duplicates);
      duplicatesDroppedInRun.add((long) release.decided.duplicates);
    }
    return release;
  }

  /** The states of releases before the list, to move into it on restore. */
  public List<String> earlierStateNames() {
    return EarlierTimelineState.NAMES;
  }

  public void moveEarlierState() throws Exception {
    earlierState.moveInto(timeline);
  }

  /** Receives the released events in order. */
  public interface ReleasedEvents {
    /** @param erasure whether the event is an erasure request (its profile is already empty) */
    void accept(JourneyEvent event, boolean erasure) throws Exception;
  }

  /** One release of one customer's list. */
  public final class Release {
    private final TimelineState state;
    private final long firing;
    private final EngineState carried;
    private final TimelineRelease decided;

    private Release(TimelineState state, long firing, EngineState carried,
        TimelineRelease decided) {
      this.state = state;
      this.firing = firing;
      this.carried = carried;
      this.decided = decided;
    }

    /** The engine's state kept in the list, or null. */
    public EngineState engineState() {
      return carried;
    }

    /** Passes the due events, in order, each with the profile as of it. */
    public void forEachDue(ReleasedEvents out) throws Exception {
      Map<String, Object> facts = null;
      for (InteractionEvent event : decided.due) {
        boolean update = PROFILE_UPDATE_TYPE.equals(event.getType());
        boolean erasure = ERASURE_TYPE.equals(event.getType());
        if (facts == null && (update || erasure || profileReads.needsProfile(event.getType()))) {
          CustomerProfile current = state.profile();
          facts = current == null ? Map.of() : current.getFacts();
        }
        if (update) {
          facts = ProfileUpdates.apply(facts, event.getAttributes());
          state.profile(new CustomerProfile(facts));
        } else if (erasure) {
          facts = Map.of();
          state.profile(null);
        }
        out.accept(new JourneyEvent(event, facts == null ? Map.of() : facts), erasure);
      }
    }

    /**
     * Writes the list back if anything in it changed, and sets the timers the release leaves.
     *
     * @param engineState the state to keep with the list (null: none); the object given by
     *     {@link #engineState()} if unchanged
     * @param laterTimer whether a timer after the watermark is pending for this customer anyway;
     *     its release forgets released ids that left the window, so they need no timer of their own
     */
    public void store(EngineState engineState, boolean laterTimer, TimerService timers)
        throws Exception {
      boolean engineChanged = engineState != carried;
      if (!decided.changed && !engineChanged) {
        return;
      }
      List<TimelineEntry> kept = new ArrayList<>(decided.remaining.size() + 1);
      kept.addAll(decided.remaining);
      if (engineState != null) {
        kept.add(new TimelineEntry("", Long.MAX_VALUE, null, engineState));
      }
      state.replace(kept);
      state.released(decided.releasedTimes, firing, decided.earliestWaiting,
          !decided.waiting && !laterTimer && decided.latestReleased != Long.MIN_VALUE
              ? forgetReleasedIdsAt(decided.latestReleased)
              : Long.MIN_VALUE,
          timers);
    }
  }

  /** The timeline in Flink's keyed state: what {@link ActiveCustomers} writes back to. */
  private final class KeyedTimelineState implements TimelineState {
    @Override
    public Iterable<TimelineEntry> entries() throws Exception {
      return timeline.get();
    }

    @Override
    public void append(TimelineEntry arrived, TimerService timers) throws Exception {
      timeline.add(arrived);
      timers.registerEventTimeTimer(arrived.getTimestamp());
    }

    @Override
    public void replace(List<TimelineEntry> kept) throws Exception {
      if (kept.isEmpty()) {
        timeline.clear();
      } else {
        timeline.update(kept);
      }
    }

    @Override
    public void released(Set<Long> releasedTimes, long firing, long earliestWaiting,
        long forgetIdsAt, TimerService timers) {
      for (long time : releasedTimes) {
        if (time > firing) {
          timers.deleteEventTimeTimer(time);
        }
      }
      if (earliestWaiting != Long.MAX_VALUE) {
        // A timeline written back from the heap has a timer at its earliest event only.
        timers.registerEventTimeTimer(earliestWaiting);
      }
      if (forgetIdsAt != Long.MIN_VALUE) {
        timers.registerEventTimeTimer(forgetIdsAt);
      }
    }

    @Override
    public CustomerProfile profile() throws Exception {
      return profile.value();
    }

    @Override
    public void profile(CustomerProfile replacement) throws Exception {
      if (replacement == null) {
        profile.clear();
      } else {
        profile.update(replacement);
      }
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
}
