package io.journeyorchestrator.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.DecisionSettings.QuietHours;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Quiet hours end at the local time written, across daylight saving changes and zones. */
class QuietHoursCalendarTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final QuietHoursCalendar NIGHT =
      new QuietHoursCalendar(new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0), BERLIN));

  @Test
  void shouldSendAtOnceOutsideQuietHours() {
    Instant noon = Instant.parse("2026-03-28T11:00:00Z");
    assertThat(NIGHT.sendAfter(noon, BERLIN)).isEqualTo(noon);
  }

  @Test
  void shouldEndAtEightInTheMorningLocalTimeOnTheNightTheClocksGoForwardInBerlin() {
    // 28 March 2026 22:00 CET (UTC+1); on 29 March the clocks go to CEST (UTC+2) at 02:00.
    Instant lateEvening = Instant.parse("2026-03-28T21:00:00Z");
    assertThat(NIGHT.sendAfter(lateEvening, BERLIN))
        .isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
  }

  @Test
  void shouldEndAtEightInTheMorningLocalTimeOnTheNightTheClocksGoBackInBerlin() {
    // 24 October 2026 23:00 CEST (UTC+2); on 25 October back to CET (UTC+1) at 03:00.
    Instant lateEvening = Instant.parse("2026-10-24T21:00:00Z");
    assertThat(NIGHT.sendAfter(lateEvening, BERLIN))
        .isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
  }

  @Test
  void shouldUseTheCustomersOwnZone() {
    // 23:00 UTC is 18:00 in New York (EST): not quiet there, though it is in Berlin.
    Instant at = Instant.parse("2026-01-15T23:00:00Z");
    assertThat(NIGHT.sendAfter(at, NEW_YORK)).isEqualTo(at);
    // 03:00 UTC is 22:00 in New York: quiet until 08:00 EST, 13:00 UTC.
    assertThat(NIGHT.sendAfter(Instant.parse("2026-01-16T03:00:00Z"), NEW_YORK))
        .isEqualTo(Instant.parse("2026-01-16T13:00:00Z"));
  }

  @Test
  void shouldEndInTheFirstInstantAfterAGapWhenTheEndTimeDoesNotExist() {
    // Quiet until 02:30, a local time that does not exist in Berlin on 29 March 2026.
    QuietHoursCalendar calendar = new QuietHoursCalendar(
        new QuietHours(LocalTime.of(1, 0), LocalTime.of(2, 30), BERLIN));
    assertThat(calendar.sendAfter(Instant.parse("2026-03-29T00:30:00Z"), BERLIN))
        .isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
  }

  @Test
  void shouldFallBackToTheDefaultZoneForAProfileWithoutAUsableOne() {
    assertThat(NIGHT.zoneOf(null)).isEqualTo(BERLIN);
    assertThat(NIGHT.zoneOf("Mars/Olympus")).isEqualTo(BERLIN);
    assertThat(NIGHT.zoneOf("America/New_York")).isEqualTo(NEW_YORK);
  }
}
