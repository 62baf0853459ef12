package io.journeyorchestrator.decisions;

import io.journeyorchestrator.config.DecisionSettings.QuietHours;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * When a decision may be sent: the earliest instant at or after the decision that is outside the
 * quiet hours in the customer's local time. Computed on local dates and times and converted back
 * with the zone's rules, so a day of 23 or 25 hours (daylight saving) ends quiet hours at the
 * local time the analyst wrote, not a fixed number of hours later; when that local time does not
 * exist (a spring-forward gap) it is the first instant after the gap.
 */
public final class QuietHoursCalendar {
  private final QuietHours quietHours;

  public QuietHoursCalendar(QuietHours quietHours) {
    this.quietHours = quietHours;
  }

  /** {@code at} itself when outside quiet hours, else the instant they end in {@code zone}. */
  public Instant sendAfter(Instant at, ZoneId zone) {
    ZonedDateTime local = at.atZone(zone);
    LocalTime time = local.toLocalTime();
    LocalTime from = quietHours.from();
    LocalTime to = quietHours.to();
    LocalDate endDate;
    if (from.isBefore(to)) {
      // Within one day, e.g. 12:00 to 14:00.
      if (time.isBefore(from) || !time.isBefore(to)) {
        return at;
      }
      endDate = local.toLocalDate();
    } else {
      // Across midnight, e.g. 21:00 to 08:00: quiet from `from` to midnight, and until `to`.
      if (!time.isBefore(from)) {
        endDate = local.toLocalDate().plusDays(1);
      } else if (time.isBefore(to)) {
        endDate = local.toLocalDate();
      } else {
        return at;
      }
    }
    // ZonedDateTime.of moves a local time in a gap forward by the gap's length, and in an overlap
    // takes the earlier offset: either way the first instant at which the wall clock shows `to`.
    Instant end = ZonedDateTime.of(LocalDateTime.of(endDate, to), zone).toInstant();
    return end.isAfter(at) ? end : at;
  }

  /** The customer's zone from the profile's {@code timezone}, or the default when unusable. */
  public ZoneId zoneOf(Object profileTimezone) {
    if (profileTimezone instanceof CharSequence text) {
      try {
        return ZoneId.of(text.toString());
      } catch (java.time.DateTimeException e) {
        // A profile with a zone nobody knows is data, not a reason to fail: use the default.
      }
    }
    return quietHours.defaultZone();
  }
}
