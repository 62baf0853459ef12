package io.journeyorchestrator.timeline;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.internal.avro.TimelineEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one release of a customer's timeline does with its entries (events waiting in arrival
 * order, and ids already released): which events are due, in (time, event id) order; which are
 * duplicates; and what stays. Deduplication happens here rather than on arrival so that an
 * arriving event is appended without reading state; walking the entries in arrival order keeps
 * the rule of arrival: an event is a duplicate when an earlier arrival with its id, not itself a
 * duplicate, lies less than the dedup window away in event time. A released id is kept only while
 * an event that is not late could still be its duplicate: while its time is after the watermark
 * minus the window.
 */
final class TimelineRelease {
  /** The timeline's release order. */
  static final Comparator<InteractionEvent> BY_TIME_AND_ID =
      Comparator.comparing(InteractionEvent::getTimestamp)
          .thenComparing(InteractionEvent::getEventId);

  /** The events due, in (time, event id) order. */
  final List<InteractionEvent> due = new ArrayList<>();
  /** The entries that stay: ids still in the window, then events still waiting, in order. */
  final List<TimelineEntry> remaining = new ArrayList<>();
  int duplicates;
  /** Whether {@link #remaining} differs from the entries given. */
  boolean changed;
  /** Whether an event still waits. */
  boolean waiting;
  /** The time of the earliest event still waiting (Long.MAX_VALUE: none). */
  long earliestWaiting = Long.MAX_VALUE;
  /** The latest time of a kept released id (Long.MIN_VALUE: none). */
  long latestReleased = Long.MIN_VALUE;
  /** The times of the events due: the timers that could release them. */
  final Set<Long> releasedTimes = new HashSet<>();

  private TimelineRelease() {}

  /**
   * @param releaseUpTo events at or before this time are due (the firing timer's time)
   * @param watermark the current watermark, at or after releaseUpTo
   */
  static TimelineRelease of(Iterable<TimelineEntry> entries, long releaseUpTo, long watermark,
      long dedupWindowMillis) {
    TimelineRelease release = new TimelineRelease();
    Map<String, Long> lastKept = new HashMap<>();
    List<TimelineEntry> stillWaiting = new ArrayList<>();
    long forgetAtOrBefore = watermark - dedupWindowMillis;
    for (TimelineEntry entry : entries) {
      if (entry.getEvent() == null) {
        lastKept.put(entry.getEventId(), entry.getTimestamp());
        if (entry.getTimestamp() > forgetAtOrBefore) {
          release.keepReleased(entry);
        } else {
          release.changed = true;
        }
        continue;
      }
      Long seenAt = lastKept.get(entry.getEventId());
      if (seenAt != null && Math.abs(entry.getTimestamp() - seenAt) < dedupWindowMillis) {
        release.duplicates++;
        release.changed = true;
        continue;
      }
      lastKept.put(entry.getEventId(), entry.getTimestamp());
      if (entry.getTimestamp() <= releaseUpTo) {
        release.due.add(entry.getEvent());
        release.releasedTimes.add(entry.getTimestamp());
        release.changed = true;
        if (entry.getTimestamp() > forgetAtOrBefore) {
          release.keepReleased(
              new TimelineEntry(entry.getEventId(), entry.getTimestamp(), null, null));
        }
      } else {
        stillWaiting.add(entry);
        release.earliestWaiting = Math.min(release.earliestWaiting, entry.getTimestamp());
      }
    }
    release.due.sort(BY_TIME_AND_ID);
    release.remaining.addAll(stillWaiting);
    release.waiting = !stillWaiting.isEmpty();
    return release;
  }

  private void keepReleased(TimelineEntry released) {
    remaining.add(released);
    latestReleased = Math.max(latestReleased, released.getTimestamp());
  }
}
