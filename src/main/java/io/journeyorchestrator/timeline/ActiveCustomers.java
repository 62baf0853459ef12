package io.journeyorchestrator.timeline;

import io.journeyorchestrator.internal.avro.CustomerProfile;
import io.journeyorchestrator.internal.avro.TimelineEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;

/**
 * The timelines of recently active customers, kept on the heap and written back to keyed state
 * before each checkpoint ({@link #writeBack}), once unchanged for a while ({@link
 * #writeBackUnchangedSince}, so that the checkpoint's write-back is short), or when evicted,
 * least recently used first, to keep at most {@code capacity} customers. A customer's events
 * mostly come in sessions, so most of them find the timeline on the heap: an arrival and its release then cost no state access, no
 * serialization and no timer; a checkpoint writes each changed customer once.
 *
 * <p>Events waiting on the heap are released by the owner when the watermark passes them
 * ({@link #waitingUpTo}), not by timers. Timers are set when a timeline is written back: at its
 * earliest waiting event, or, if none waits and the engine has no deadline, when its released
 * ids leave the dedup window; so a timeline in keyed state is released or forgotten as one that
 * never was on the heap. Such a timer that fires while the customer is on the heap finds the
 * heap's timeline, already released up to the watermark: it changes nothing.
 *
 * <p>Nothing here outlives a checkpoint that the keyed state does not have, so a restore, a
 * rescale or an upgrade sees only keyed state. The owner must select the customer's key before
 * using its timeline and let this class select others ({@link KeySwitch}).
 */
public final class ActiveCustomers {
  /** Makes a customer the current key of the operator's keyed state and timers. */
  public interface KeySwitch {
    void select(String customer);
  }

  private static final Comparator<Slot> BY_EARLIEST_WAITING =
      Comparator.comparingLong((Slot slot) -> slot.earliestWaiting)
          .thenComparing(slot -> slot.customer);

  private final ListState<TimelineEntry> list;
  private final ValueState<CustomerProfile> profiles;
  private final int capacity;
  private final KeySwitch keys;
  private final LinkedHashMap<String, Slot> slots;
  private final TreeSet<Slot> waiting = new TreeSet<>(BY_EARLIEST_WAITING);
  /**
   * The slots changed since they were last written back, least recently changed first (evicted
   * ones are written when evicted and leave it).
   */
  private final LinkedHashSet<Slot> changed = new LinkedHashSet<>();
  /** The processing time of the latest change, as the owner last told it ({@link #now}). */
  private long now = Long.MIN_VALUE;
  private final Counter loads;
  private final Counter evictions;
  private final Counter earlyWriteBacks;

  ActiveCustomers(ListState<TimelineEntry> list, ValueState<CustomerProfile> profiles,
      int capacity, KeySwitch keys, MetricGroup metrics) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.list = list;
    this.profiles = profiles;
    this.capacity = capacity;
    this.keys = keys;
    this.slots = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true);
    this.loads = metrics.counter("activeCustomerLoads");
    this.evictions = metrics.counter("activeCustomerEvictions");
    this.earlyWriteBacks = metrics.counter("activeCustomerEarlyWriteBacks");
    metrics.gauge("activeCustomers", slots::size);
  }

  /**
   * The customer's timeline, loaded from keyed state if it is not on the heap (evicting the least
   * recently used customer if full). The customer must be the current key.
   */
  public TimelineState of(String customer, TimerService timers) throws Exception {
    Slot slot = slots.get(customer);
    if (slot != null) {
      return slot;
    }
    if (slots.size() >= capacity) {
      Iterator<Slot> eldest = slots.values().iterator();
      Slot evicted = eldest.next();
      eldest.remove();
      evicted.unindex();
      changed.remove(evicted);
      if (evicted.changed()) {
        keys.select(evicted.customer);
        store(evicted, timers);
        keys.select(customer);
      }
      evictions.inc();
    }
    loads.inc();
    List<TimelineEntry> entries = new ArrayList<>();
    Iterable<TimelineEntry> stored = list.get();
    if (stored != null) {
      stored.forEach(entries::add);
    }
    slot = new Slot(customer, entries);
    slots.put(customer, slot);
    slot.index(earliestWaiting(entries));
    return slot;
  }

  /**
   * The customer's timeline if it is on the heap, else the one in keyed state: for a timer, which
   * releases or forgets a timeline once and should not push an active customer off the heap.
   */
  public TimelineState ofTimer(String customer, TimelineState keyedState) {
    Slot slot = slots.get(customer);
    return slot != null ? slot : keyedState;
  }

  /**
   * Takes the timelines whose earliest waiting event the watermark passed, in order of that event;
   * the owner selects each one's customer ({@link #customerOf}) and releases it ({@link
   * #earliestWaiting(TimelineState)} is the time the release stands for). They stay on the heap
   * meanwhile: a release loads no other customer, so none is evicted.
   */
  public List<TimelineState> waitingUpTo(long watermark) {
    List<TimelineState> due = new ArrayList<>();
    while (!waiting.isEmpty() && waiting.first().earliestWaiting <= watermark) {
      Slot slot = waiting.pollFirst();
      slot.indexed = false;
      due.add(slot);
    }
    return due;
  }

  /** The customer of a timeline of this heap. */
  public static String customerOf(TimelineState state) {
    return ((Slot) state).customer;
  }

  /** The time of the earliest event waiting in a timeline of this heap (Long.MAX_VALUE: none). */
  public static long earliestWaiting(TimelineState state) {
    return ((Slot) state).earliestWaiting;
  }

  /** Writes every changed timeline back to keyed state, with the timers it needs there. */
  public void writeBack(TimerService timers) throws Exception {
    for (Slot slot : changed) {
      keys.select(slot.customer);
      store(slot, timers);
    }
    changed.clear();
  }

  /**
   * Sets the processing time that changes from now on are stamped with (the owner calls it
   * before each event, timer and watermark it handles).
   */
  public void now(long processingTime) {
    now = processingTime;
  }

  /**
   * Writes back the timelines that have not changed since {@code unchangedSince} (processing
   * time), least recently changed first. Called at watermarks, so that the write-back before a
   * checkpoint barrier, which holds up every event behind it, finds only the recent changes;
   * a customer still in a session is left for later, so its events are not written once each.
   */
  public void writeBackUnchangedSince(long unchangedSince, TimerService timers) throws Exception {
    int written = 0;
    Iterator<Slot> oldest = changed.iterator();
    while (oldest.hasNext()) {
      Slot slot = oldest.next();
      if (slot.changedAt > unchangedSince) {
        break;
      }
      oldest.remove();
      keys.select(slot.customer);
      store(slot, timers);
      written++;
    }
    earlyWriteBacks.inc(written);
  }

  /** The number of customers on the heap. */
  public int size() {
    return slots.size();
  }

  private void store(Slot slot, TimerService timers) throws Exception {
    if (slot.listChanged) {
      if (slot.entries.isEmpty()) {
        list.clear();
      } else {
        list.update(slot.entries);
      }
    }
    if (slot.profileChanged) {
      if (slot.profile == null) {
        profiles.clear();
      } else {
        profiles.update(slot.profile);
      }
    }
    if (slot.earliestWaiting != Long.MAX_VALUE) {
      if (slot.timerAt != slot.earliestWaiting) {
        timers.registerEventTimeTimer(slot.earliestWaiting);
        slot.timerAt = slot.earliestWaiting;
      }
    } else if (slot.forgetIdsAt != Long.MIN_VALUE && slot.timerAt != slot.forgetIdsAt) {
      timers.registerEventTimeTimer(slot.forgetIdsAt);
      slot.timerAt = slot.forgetIdsAt;
    }
    slot.listChanged = false;
    slot.profileChanged = false;
  }

  private static long earliestWaiting(List<TimelineEntry> entries) {
    long earliest = Long.MAX_VALUE;
    for (TimelineEntry entry : entries) {
      if (entry.getEvent() != null) {
        earliest = Math.min(earliest, entry.getTimestamp());
      }
    }
    return earliest;
  }

  /** One customer's timeline on the heap. */
  private final class Slot implements TimelineState {
    private final String customer;
    private List<TimelineEntry> entries;
    private CustomerProfile profile;
    private boolean profileLoaded;
    private boolean listChanged;
    private boolean profileChanged;
    /** The owner's processing time at the latest change. */
    private long changedAt;
    private long earliestWaiting = Long.MAX_VALUE;
    private boolean indexed;
    /** What the last release said about forgetting released ids. */
    private long forgetIdsAt = Long.MIN_VALUE;
    /** The last timer this heap set for the customer (Long.MIN_VALUE: none). */
    private long timerAt = Long.MIN_VALUE;

    Slot(String customer, List<TimelineEntry> entries) {
      this.customer = customer;
      this.entries = entries;
    }

    boolean changed() {
      return listChanged || profileChanged;
    }

    void markChanged() {
      if (changed() && changedAt == now) {
        // Already in the order, and every slot after it carries the same time: no move needed.
        return;
      }
      changedAt = now;
      // To the end of the order, whether it was in it or not.
      changed.remove(this);
      changed.add(this);
    }

    void index(long earliest) {
      unindex();
      earliestWaiting = earliest;
      if (earliest != Long.MAX_VALUE) {
        waiting.add(this);
        indexed = true;
      }
    }

    void unindex() {
      if (indexed) {
        waiting.remove(this);
        indexed = false;
      }
    }

    @Override
    public Iterable<TimelineEntry> entries() {
      return entries;
    }

    @Override
    public void append(TimelineEntry arrived, TimerService timers) {
      entries.add(arrived);
      markChanged();
      listChanged = true;
      if (arrived.getTimestamp() < earliestWaiting || !indexed) {
        index(Math.min(earliestWaiting, arrived.getTimestamp()));
      }
    }

    @Override
    public void replace(List<TimelineEntry> kept) {
      entries = kept;
      markChanged();
      listChanged = true;
      index(earliestWaiting(kept));
    }

    @Override
    public void released(Set<Long> releasedTimes, long firing, long earliestWaiting,
        long forgetIdsAt, TimerService timers) {
      this.forgetIdsAt = forgetIdsAt;
    }

    @Override
    public CustomerProfile profile() throws Exception {
      if (!profileLoaded) {
        profile = profiles.value();
        profileLoaded = true;
      }
      return profile;
    }

    @Override
    public void profile(CustomerProfile replacement) {
      profile = replacement;
      profileLoaded = true;
      markChanged();
      profileChanged = true;
    }
  }
}
