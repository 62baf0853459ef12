package io.journeyorchestrator.timeline;

import io.journeyorchestrator.internal.avro.CustomerProfile;
import io.journeyorchestrator.internal.avro.TimelineEntry;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.TimerService;

/**
 * Where one customer's timeline is kept while {@link CustomerTimeline} handles it: the list
 * (waiting events, released ids, the owner's state), the profile, and the timers that release
 * or forget them. Flink's keyed state is one place ({@link CustomerTimeline#keyedState()});
 * {@link ActiveCustomers} keeps recently active customers on the heap between checkpoints.
 */
public interface TimelineState {
  /** The list, in arrival order. */
  Iterable<TimelineEntry> entries() throws Exception;

  /** Appends an arriving event and makes sure it is released once the watermark passes it. */
  void append(TimelineEntry arrived, TimerService timers) throws Exception;

  /** The list after a release (empty: nothing left). */
  void replace(List<TimelineEntry> kept) throws Exception;

  /**
   * Settles the timers after a release.
   *
   * @param releasedTimes the times of the events released: their timers, after {@code firing},
   *     need not fire
   * @param earliestWaiting the time of the earliest event still waiting (Long.MAX_VALUE: none),
   *     which needs a timer if it is not on the heap
   * @param forgetIdsAt when the released ids kept leave the dedup window, if no other timer of
   *     the customer will release the list before (Long.MIN_VALUE: another one will, or none kept)
   */
  void released(Set<Long> releasedTimes, long firing, long earliestWaiting, long forgetIdsAt,
      TimerService timers) throws Exception;

  /** The profile, or null. */
  CustomerProfile profile() throws Exception;

  /** Replaces the profile (null: forgets it). */
  void profile(CustomerProfile profile) throws Exception;
}
