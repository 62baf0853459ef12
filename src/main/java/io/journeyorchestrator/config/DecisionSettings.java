package io.journeyorchestrator.config;

import io.journeyorchestrator.config.ActionDefinition.Cap;
import java.io.Serializable;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code decisions} section of {@code job.yaml}: which event reports a message as sent, the
 * caps shared by every action of a channel or a category, quiet hours and the holdout group.
 * {@link #DEFAULTS} applies when the section is left out.
 *
 * @param quietHours null when there are none
 * @param holdoutPercent share of customers held out of every action, 0 to 50
 * @param holdoutSalt mixed into the hash of the customer id, so that changing it draws a new group
 *     and a redeploy without changing it keeps the same one
 */
public record DecisionSettings(
    String sentEventType,
    Map<String, Cap> channelCaps,
    Map<String, Cap> categoryCaps,
    QuietHours quietHours,
    double holdoutPercent,
    String holdoutSalt)
    implements Serializable {

  public static final String DEFAULT_SENT_EVENT_TYPE = "message.sent";
  public static final DecisionSettings DEFAULTS =
      new DecisionSettings(DEFAULT_SENT_EVENT_TYPE, Map.of(), Map.of(), null, 0, "");

  /**
   * From {@code from} to {@code to} in the customer's {@code profile.timezone}, or in {@code
   * defaultZone} for a customer without one; {@code from} after {@code to} spans midnight.
   */
  public record QuietHours(LocalTime from, LocalTime to, ZoneId defaultZone)
      implements Serializable {}

  public DecisionSettings {
    channelCaps = Map.copyOf(channelCaps);
    categoryCaps = Map.copyOf(categoryCaps);
  }

  public Optional<QuietHours> quietHoursOptional() {
    return Optional.ofNullable(quietHours);
  }
}
