package io.journeyorchestrator.io;

import io.journeyorchestrator.avro.ActiveSuppression;
import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.BlockedAction;
import io.journeyorchestrator.avro.ChannelDecision;
import io.journeyorchestrator.avro.CurrentMembership;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.avro.SuppressionDecision;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * One line per output record, for a person: the job's topics in {@code tail-topic --readable}
 * (scripts/run-local.sh) and replay's {@code --readable} files. Times are ISO-8601 instants to
 * the second in UTC; ids longer than {@value #SHORT_ID} characters (generated UUIDs) are cut to
 * their first {@value #SHORT_ID}, enough to find them in the JSON files.
 */
public final class ReadableRecords {
  static final int SHORT_ID = 8;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

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
      return String.format("%s  %-9s %-8s  %-26s %d events from %s (%s)", time(m.getEndTime()),
          m.getCustomerId(), "MATCH", m.getPatternId(), m.getEventIds().size(),
          time(m.getStartTime()), String.join(",", m.getEventIds().stream()
              .map(ReadableRecords::shortId).toList()));
    }
    if (record instanceof DeadLetter d) {
      return String.format("%s  %-9s %-8s  %s: %s", time(d.getAt()), "", "DEAD", d.getSource(),
          d.getError());
    }
    if (record instanceof LateEvent l) {
      InteractionEvent e = l.getEvent();
      return String.format("%s  %-9s %-8s  %s on %s (%s), %s by %s", time(e.getTimestamp()),
          e.getCustomerId(), "LATE", e.getType(), e.getChannel(), shortId(e.getEventId()),
          l.getReason(), Duration.ofMillis(l.getBehindMillis()))
          + (l.getSource() == null ? "" : " (" + l.getSource() + ")");
    }
    if (record instanceof InteractionEvent e) {
      return String.format("%s  %-9s %-8s  %s on %s (%s)", time(e.getTimestamp()),
          e.getCustomerId(), "EVENT", e.getType(), e.getChannel(), shortId(e.getEventId()));
    }
    if (record instanceof CustomerState c) {
      List<String> holds = new ArrayList<>();
      for (CurrentMembership m : c.getMemberships()) {
        holds.add(m.getAudienceId() + " since " + time(m.getSince())
            + (m.getExpiresAt() == null ? "" : " until " + time(m.getExpiresAt())));
      }
      for (ActiveSuppression a : c.getSuppressions()) {
        holds.add("suppressed by " + a.getPolicyId()
            + (a.getUntil() == null ? "" : " until " + time(a.getUntil())));
      }
      return String.format("%s  %-9s %-8s  %s", time(c.getAsOf()), c.getCustomerId(),
          holds.isEmpty() ? "NOTHING" : "STATE", holds.isEmpty() ? "holds nothing"
              : String.join("; ", holds));
    }
    if (record instanceof NextBestAction n) {
      // Channels with nothing to send and nothing held back are left out: most are, most times.
      List<String> channels = new ArrayList<>();
      for (ChannelDecision c : n.getChannels()) {
        List<String> blocked = new ArrayList<>();
        for (BlockedAction b : c.getBlocked()) {
          blocked.add(b.getActionId() + " " + b.getReason()
              + (b.getFreesAt() == null ? "" : " until " + time(b.getFreesAt())));
        }
        if (c.getActionId() != null || !blocked.isEmpty()) {
          channels.add(c.getChannel() + ": "
              + (c.getActionId() == null ? "nothing" : c.getActionId())
              + (blocked.isEmpty() ? "" : " (blocked: " + String.join(", ", blocked) + ")"));
        }
      }
      boolean later = n.getSendAfter() != null && n.getSendAfter().isAfter(n.getEventTime());
      return String.format("%s  %-9s %-8s  %s%s%s", time(n.getEventTime()), n.getCustomerId(),
          "DECIDE", channels.isEmpty() ? "nothing on any channel" : String.join("; ", channels),
          n.getHoldout() ? "  [holdout]" : "",
          later ? "  (quiet hours: send after " + time(n.getSendAfter()) + ")" : "");
    }
    return JsonRecords.toJson(record);
  }

  /**
   * A note of a traced replay (explain.sh): {@code BLOCKED} for something that did not happen and
   * why (an entry ignored in cooldown), {@code PARTIAL} for a partial match that changed.
   */
  public static String note(String word, String customerId, long time, String subject,
      String text) {
    return String.format("%s  %-9s %-8s  %-26s %s", time(Instant.ofEpochMilli(time)), customerId,
        word, subject, text);
  }

  static String shortId(String id) {
    return id.length() > SHORT_ID ? id.substring(0, SHORT_ID) : id;
  }

  private static String time(Instant instant) {
    return TIME.format(instant);
  }
}
