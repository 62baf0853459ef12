package io.journeyorchestrator.io;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.avro.SuppressionDecision;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.avro.specific.SpecificRecord;

/** One line per output record, for a person watching the job (scripts/run-local.sh). */
public final class ReadableRecords {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private ReadableRecords() {}

  public static String format(SpecificRecord record) {
    if (record instanceof AudienceChange c) {
      return String.format("%s  %-9s %-8s  %-26s %s%s", time(c.getEventTime()), c.getCustomerId(),
          OutputLines.kind(c), c.getAudienceId(), c.getReason(),
          c.getExpiresAt() == null ? "" : "  (expires " + time(c.getExpiresAt()) + ")");
    }
    if (record instanceof SuppressionDecision d) {
      String scope = (d.getChannels().isEmpty() ? "all channels" : String.join(",", d.getChannels()))
          + " / " + (d.getCategories().isEmpty() ? "all" : String.join(",", d.getCategories()));
      return String.format("%s  %-9s %-8s  %-26s %s%s%s", time(d.getEventTime()),
          d.getCustomerId(), d.getAction(), d.getPolicyId(), scope,
          d.getAudiences().isEmpty() ? "" : "  while " + String.join(",", d.getAudiences()),
          d.getUntil() == null ? "" : "  until " + time(d.getUntil()));
    }
    if (record instanceof PatternMatch m) {
      return String.format("%s  %-9s %-8s  %-26s %d events from %s", time(m.getEndTime()),
          m.getCustomerId(), "MATCH", m.getPatternId(), m.getEventIds().size(),
          time(m.getStartTime()));
    }
    if (record instanceof DeadLetter d) {
      return String.format("%s  %-9s %-8s  %s: %s", time(d.getAt()), "", "DEAD", d.getSource(),
          d.getError());
    }
    if (record instanceof LateEvent l) {
      InteractionEvent e = l.getEvent();
      return String.format("%s  %-9s %-8s  %s on %s (%s), %s by %s", time(e.getTimestamp()),
          e.getCustomerId(), "LATE", e.getType(), e.getChannel(), e.getEventId(), l.getReason(),
          Duration.ofMillis(l.getBehindMillis()));
    }
    if (record instanceof InteractionEvent e) {
      return String.format("%s  %-9s %-8s  %s on %s (%s)", time(e.getTimestamp()),
          e.getCustomerId(), "EVENT", e.getType(), e.getChannel(), e.getEventId());
    }
    return JsonRecords.toJson(record);
  }

  private static String time(Instant instant) {
    return TIME.format(instant);
  }
}
