package io.journeyorchestrator.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.internal.avro.TimelineEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deduplication and release order of a customer's timeline entries. */
class TimelineReleaseTest {
  private static final long WINDOW = 10;

  private static TimelineEntry waiting(String id, long time) {
    return new TimelineEntry(id, time, InteractionEvent.newBuilder().setEventId(id)
        .setCustomerId("alice").setTimestamp(Instant.ofEpochMilli(time)).setType("page.view")
        .setChannel(Channel.WEB).setAttributes(Map.of()).build(), null);
  }

  private static TimelineEntry released(String id, long time) {
    return new TimelineEntry(id, time, null, null);
  }

  private static List<String> due(TimelineRelease release) {
    return release.due.stream().map(e -> e.getEventId() + "@" + e.getTimestamp().toEpochMilli())
        .toList();
  }

  private static List<String> remaining(TimelineRelease release) {
    return release.remaining.stream().map(e -> (e.getEvent() == null ? "released " : "waiting ")
        + e.getEventId() + "@" + e.getTimestamp()).toList();
  }

  @Test
  void shouldReleaseDueEventsByTimeThenIdAndKeepTheRestInArrivalOrder() {
    TimelineRelease release = TimelineRelease.of(List.of(waiting("b", 5), waiting("z", 9),
        waiting("a", 5), waiting("c", 3), waiting("y", 8)), 5, 5, WINDOW);

    assertThat(due(release)).containsExactly("c@3", "a@5", "b@5");
    assertThat(remaining(release)).containsExactly("released b@5", "released a@5",
        "released c@3", "waiting z@9", "waiting y@8");
    assertThat(release.waiting).isTrue();
    assertThat(release.changed).isTrue();
  }

  @Test
  void shouldDropTheLaterArrivalOfAnIdWithinTheWindowEvenWhenItIsEarlierInTime() {
    TimelineRelease release = TimelineRelease.of(List.of(waiting("a", 7), waiting("a", 4)), 4,
        4, WINDOW);

    assertThat(release.duplicates).isEqualTo(1);
    assertThat(due(release)).isEmpty();
    assertThat(remaining(release)).containsExactly("waiting a@7");
  }

  @Test
  void shouldDropAnIdAlreadyReleasedWithinTheWindowAndKeepOneOutsideIt() {
    TimelineRelease release = TimelineRelease.of(List.of(released("a", 20), waiting("a", 29),
        waiting("a", 30)), 30, 30, WINDOW);

    assertThat(release.duplicates).isEqualTo(1);
    assertThat(due(release)).containsExactly("a@30");
    assertThat(remaining(release)).containsExactly("released a@30");
  }

  @Test
  void shouldForgetReleasedIdsNoEventAfterTheWatermarkCanDuplicate() {
    TimelineRelease release = TimelineRelease.of(List.of(released("a", 20), released("b", 21)),
        30, 30, WINDOW);

    assertThat(remaining(release)).containsExactly("released b@21");
    assertThat(release.latestReleased).isEqualTo(21);
    assertThat(release.changed).isTrue();
    assertThat(release.waiting).isFalse();
  }

  @Test
  void shouldReportNoChangeWhenNothingIsDueOrForgotten() {
    TimelineRelease release = TimelineRelease.of(List.of(released("a", 25), waiting("b", 40)),
        30, 30, WINDOW);

    assertThat(release.changed).isFalse();
    assertThat(release.due).isEmpty();
  }
}
