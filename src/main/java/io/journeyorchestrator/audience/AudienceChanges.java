package io.journeyorchestrator.audience;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.MembershipChange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds {@link AudienceChange} records with ids that depend only on what the change is. */
final class AudienceChanges {
  static final String EXPIRED = "expired";
  static final String ERASED = "erased";
  /** Entered or exited because the audiences it is composed of ({@code while}) changed. */
  static final String COMPOSED = "while";

  private AudienceChanges() {}

  static String patternReason(String patternId) {
    return "pattern:" + patternId;
  }

  static AudienceChange of(String customerId, String audienceId, MembershipChange change,
      String reason, long eventTime, Long expiresAt, List<String> eventIds) {
    return build(customerId, audienceId, change, false, reason, eventTime, expiresAt, eventIds);
  }

  /**
   * A member's expiry moved (by an entering match, or as the audiences it is composed of changed):
   * an ENTERED that restates the membership.
   */
  static AudienceChange extended(String customerId, String audienceId, String reason,
      long eventTime, Long expiresAt, List<String> eventIds) {
    return build(customerId, audienceId, MembershipChange.ENTERED, true, reason, eventTime,
        expiresAt, eventIds);
  }

  private static AudienceChange build(String customerId, String audienceId,
      MembershipChange change, boolean extended, String reason, long eventTime, Long expiresAt,
      List<String> eventIds) {
    String kind = extended ? "EXTENDED" : change.name();
    String identity = String.join("\u0000", customerId, audienceId, kind, reason,
        Long.toString(eventTime), String.join(",", eventIds));
    return AudienceChange.newBuilder()
        .setChangeId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
        .setCustomerId(customerId)
        .setAudienceId(audienceId)
        .setChange(change)
        .setReason(reason)
        .setEventTime(Instant.ofEpochMilli(eventTime))
        .setExpiresAt(expiresAt == null ? null : Instant.ofEpochMilli(expiresAt))
        .setEventIds(List.copyOf(eventIds))
        .setExtended(extended)
        .build();
  }
}
